// Secret values a workflow carries (its steps' secretPaths): a driver's message can echo
// what it was given, so these are scrubbed from outputs too (see redaction.ts).

import type { Json } from '../../documents/types.js';
import type { Workflow } from '../../plan/types.js';
import { getPath, parsePath } from '../../render/path.js';

export function workflowSecretValues(workflow: Workflow | undefined): Set<string> {
  const values = new Set<string>();
  for (const step of workflow?.phases.flatMap((p) => p.steps) ?? []) {
    for (const p of step.secretPaths) collect(getPath(step.spec as unknown as Json, parsePath(p)), values);
  }
  return values;
}

function collect(v: Json | undefined, out: Set<string>): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'string') out.add(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.add(String(v));
  else if (Array.isArray(v)) v.forEach((x) => collect(x, out));
  else Object.values(v).forEach((x) => collect(x, out));
}
