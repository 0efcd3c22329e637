// A step as it may be printed: secret values replaced.

import type { Json } from '../documents/types.js';
import { clone } from '../render/merge.js';
import { getPath, parsePath, setPath } from '../render/path.js';
import { REDACTED } from '../render/redact.js';
import type { Step } from './types.js';

export function redactStep(step: Step, showSecrets = false): Step {
  if (showSecrets || step.secretPaths.length === 0) return step;
  let spec = clone(step.spec as unknown as Json);
  for (const p of step.secretPaths) {
    const segments = parsePath(p);
    if (getPath(spec, segments) !== undefined) spec = setPath(spec, segments, REDACTED);
  }
  return { ...step, spec: spec as never };
}
