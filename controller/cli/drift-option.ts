// --drift-detection enabled|warn|disabled for diff and apply (the Site's spec.driftDetection).

import { DEFAULT_DRIFT_DETECTION } from '../diff/index.js';
import type { DriftDetection } from '../diff/types.js';
import { UsageError } from './args.js';

export const DRIFT_OPTION = { 'drift-detection': { type: 'string' } } as const;
export const DRIFT_USAGE = '[--drift-detection enabled|warn|disabled]';

const MODES: readonly DriftDetection[] = ['enabled', 'warn', 'disabled'];

export function driftDetection(values: Record<string, unknown>, usage: string): DriftDetection {
  const v = values['drift-detection'];
  if (v === undefined) return DEFAULT_DRIFT_DETECTION;
  if (typeof v === 'string' && (MODES as readonly string[]).includes(v)) return v as DriftDetection;
  throw new UsageError(`--drift-detection must be enabled, warn or disabled, not '${String(v)}'\nusage: ${usage}`);
}
