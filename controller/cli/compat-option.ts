// `--compat deckhand`: render as Airship's Deckhand did, bugs included (render/options.ts).
// Shared by render, validate, plan, diff and apply.

import { RENDER_COMPAT_MODES, type RenderCompat } from '../render/index.js';
import { UsageError } from './args.js';

export const COMPAT_OPTION = { compat: { type: 'string' } } as const;
export const COMPAT_USAGE = '[--compat deckhand]';

export function compatFrom(values: { compat?: unknown }): RenderCompat | undefined {
  const v = values.compat;
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (RENDER_COMPAT_MODES as readonly string[]).includes(v)) return v as RenderCompat;
  throw new UsageError(`--compat must be one of ${RENDER_COMPAT_MODES.join(', ')}, not '${String(v)}'`);
}
