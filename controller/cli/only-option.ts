// `--only nodes|releases`: plan, diff and apply one part of a site (plan/parts.ts). Shared by
// plan, diff and apply. `--prune` removes what the plan does not name, so with a part left out
// it would remove that whole part: the two are refused together.

import { PLAN_PARTS, type PlanPart } from '../plan/index.js';
import { UsageError } from './args.js';

export const ONLY_OPTION = { only: { type: 'string' } } as const;
export const ONLY_USAGE = `[--only ${PLAN_PARTS.join('|')}]`;

export function onlyFrom(values: { only?: unknown; prune?: unknown }): PlanPart | undefined {
  const v = values.only;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(PLAN_PARTS as readonly string[]).includes(v))
    throw new UsageError(`--only must be one of ${PLAN_PARTS.join(', ')}, not '${String(v)}'`);
  if (values.prune === true)
    throw new UsageError(
      `--prune cannot be combined with --only ${v}: it would remove every ${v === 'nodes' ? 'release' : 'node'} the plan leaves out`,
    );
  return v as PlanPart;
}
