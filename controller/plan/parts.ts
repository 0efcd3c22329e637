// Which parts of a site a plan covers: the whole site (the default), only its bare-metal nodes,
// or only its Helm releases. Pure. A part left out is not planned at all: for `nodes`, no chart
// source is fetched and no manifest is read, so a site whose chart mirrors are not at hand can
// still enroll its servers; for `releases`, no node document is read.

export const PLAN_PARTS = ['nodes', 'releases'] as const;

export type PlanPart = (typeof PLAN_PARTS)[number];

/** Whether a plan restricted to `only` (undefined: the whole site) includes `part`. */
export function includesPart(only: PlanPart | undefined, part: PlanPart): boolean {
  return only === undefined || only === part;
}
