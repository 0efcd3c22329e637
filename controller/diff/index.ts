// diff: the plan against what is observed → the steps that actually have work to do. Pure.

import type { ObservedObject } from '../drivers/types.js';
import type { Workflow } from '../plan/types.js';
import { nodeDecision } from './node-state.js';
import { releaseDecision } from './release-state.js';
import type { Decision, DriftDetection, Observed, PruneItem, SiteDiff } from './types.js';

export { nodeState } from './node-state.js';
export { formatPointer, parsePointer, releaseDrift } from './release-drift.js';
export {
  ageSeconds,
  type FailurePlan,
  installFailurePlan,
  isPending,
  type Recovery,
  type RecoveryPolicy,
  recoverObserved,
  upgradeFailurePlan,
} from './release-recovery.js';
export { releaseState } from './release-state.js';
export type * from './types.js';
export { type ValueChange, valuesDiff } from './values-diff.js';

/** Drift detection when neither the Site nor the command line says: report, never repair. */
export const DEFAULT_DRIFT_DETECTION: DriftDetection = 'warn';

export function diffWorkflow(
  workflow: Workflow,
  observed: Observed,
  now: Date = new Date(),
  options: { driftDetection?: DriftDetection } = {},
): SiteDiff {
  const mode = options.driftDetection ?? DEFAULT_DRIFT_DETECTION;
  const releases = new Map(observed.releases.map((r) => [`${r.namespace}/${r.name}`, r]));
  const nodes = new Map(observed.nodes.map((n) => [n.name, n]));
  const decisions = new Map<string, Decision>();
  for (const step of workflow.phases.flatMap((p) => p.steps)) {
    const d =
      step.kind === 'release'
        ? releaseDecision(step.id, step.spec, releases.get(`${step.spec.namespace}/${step.spec.name}`), now, {
            mode,
            ...withObjects(observed, `${step.spec.namespace}/${step.spec.name}`),
          })
        : nodeDecision(step.id, step.spec, nodes.get(step.spec.name), mode);
    decisions.set(step.id, d);
  }
  return {
    decisions,
    prune: pruneCandidates(workflow, observed),
    changes: [...decisions.values()].filter((d) => d.action !== 'none').length,
  };
}

function withObjects(observed: Observed, key: string): { objects?: ObservedObject[] } {
  const objects = observed.objects?.get(key);
  return objects ? { objects } : {};
}

/**
 * Slipway-managed releases (with the site's release prefix) and nodes (enrolled for this site)
 * that the plan no longer has. Without a site name no node is ever a candidate.
 */
function pruneCandidates(workflow: Workflow, observed: Observed): PruneItem[] {
  const planned = new Set(
    workflow.phases
      .flatMap((p) => p.steps)
      .map((s) => (s.kind === 'release' ? `r:${s.spec.namespace}/${s.spec.name}` : `n:${s.spec.name}`)),
  );
  const out: PruneItem[] = [];
  const prefix = workflow.releasePrefix ? `${workflow.releasePrefix}-` : undefined;
  for (const r of observed.releases) {
    if (
      r.digest &&
      prefix &&
      r.name.startsWith(prefix) &&
      !planned.has(`r:${r.namespace}/${r.name}`) &&
      r.status !== 'uninstalled'
    ) {
      out.push({ kind: 'release', name: r.name, namespace: r.namespace });
    }
  }
  for (const n of observed.nodes) {
    if (n.digest && workflow.site && n.site === workflow.site && !planned.has(`n:${n.name}`))
      out.push({ kind: 'node', name: n.name });
  }
  return out;
}
