// Secret values a workflow carries (the plan's secretPaths), as a scrubber for any text
// that goes to status, events or logs: driver messages can echo what they were given.

import type { Json } from '../../documents/types.js';
import type { Workflow } from '../../plan/types.js';
import { getPath, parsePath } from '../../render/path.js';
import { REDACTED } from '../../render/redact.js';

export function secretScrubber(workflow: Workflow | undefined): (text: string) => string {
  const values = new Set<string>();
  for (const step of workflow?.phases.flatMap((p) => p.steps) ?? []) {
    for (const p of step.secretPaths) collect(getPath(step.spec as unknown as Json, parsePath(p)), values);
  }
  const list = [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => list.reduce((t, v) => t.split(v).join(REDACTED), text);
}

function collect(v: Json | undefined, out: Set<string>): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'string') out.add(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.add(String(v));
  else if (Array.isArray(v)) v.forEach((x) => collect(x, out));
  else Object.values(v).forEach((x) => collect(x, out));
}
