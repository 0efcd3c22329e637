// The Helm revision of every release step, recorded in status, and read back: a revision
// that differs from the one Slipway recorded was made outside it (a hand-run helm upgrade or
// rollback). Pure functions over the status record and what the helm driver observed.

import type { Observed } from '../../diff/types.js';
import type { ObservedRelease } from '../../drivers/types.js';
import type { SiteStatus } from '../api/types.js';

type WorkflowStatus = NonNullable<SiteStatus['workflow']>;

/** The record with each release step's `revision` set to the latest observed revision. */
export function withRevisions(wf: WorkflowStatus, releases: readonly ObservedRelease[]): WorkflowStatus {
  const byId = new Map(releases.map((r) => [`release/${r.namespace}/${r.name}`, r.revision]));
  return {
    ...wf,
    phases: wf.phases.map((p) => ({
      ...p,
      steps: p.steps.map((s) => {
        const revision = byId.get(s.id);
        return revision === undefined || s.revision === revision ? s : { ...s, revision };
      }),
    })),
  };
}

/**
 * The observation with the recorded revision as `appliedRevision` where the release Secret
 * carries no stamp of its own: the status is the operator's memory of what it applied.
 */
export function withRecordedRevisions(observed: Observed, status: SiteStatus | undefined): Observed {
  const recorded = new Map(
    (status?.workflow?.phases ?? []).flatMap((p) =>
      p.steps.flatMap((s) => (s.revision !== undefined ? [[s.id, s.revision] as const] : [])),
    ),
  );
  if (recorded.size === 0) return observed;
  return {
    ...observed,
    releases: observed.releases.map((r) => {
      const revision = recorded.get(`release/${r.namespace}/${r.name}`);
      return r.appliedRevision === undefined && revision !== undefined ? { ...r, appliedRevision: revision } : r;
    }),
  };
}
