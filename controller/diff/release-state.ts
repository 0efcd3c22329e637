// The state of one planned release, from what Helm stored for it (and, where drift is looked
// for, what the cluster holds), and the one action for it (Flux helm-controller's
// DetermineReleaseState → actionForState). Locks and leftovers (pending-*, failed,
// uninstalling) are judged by the recovery policy beside this file; what the action does when
// its run fails is decided here too, so `diff` shows exactly what `apply` does.

import { digestMatches } from '../drivers/helm/digest-label.js';
import type { ObservedObject, ObservedRelease, ReleaseSpec } from '../drivers/types.js';
import { releaseDrift } from './release-drift.js';
import {
  type FailurePlan,
  installFailurePlan,
  type Recovery,
  recoverObserved,
  upgradeFailurePlan,
} from './release-recovery.js';
import type { DriftDetection, DriftedObject, ReleaseAction, ReleaseDecision, ReleaseState } from './types.js';

interface Judged {
  state: ReleaseState;
  reason: string;
  action: ReleaseAction;
  rollbackTo?: number;
  drift?: DriftedObject[];
}

export function releaseDecision(
  stepId: string,
  spec: ReleaseSpec,
  observed: ObservedRelease | undefined,
  now: Date,
  drift: { mode: DriftDetection; objects?: ObservedObject[] } = { mode: 'disabled' },
): ReleaseDecision {
  const j = classify(spec, observed, now, drift);
  const d: ReleaseDecision = {
    kind: 'release',
    stepId,
    state: j.state,
    action: j.action,
    reason: j.reason,
    onFailure: failurePlan(j, spec, observed),
  };
  if (j.rollbackTo !== undefined) d.rollbackTo = j.rollbackTo;
  if (j.drift) d.drift = j.drift;
  if (observed) d.observed = observed;
  return d;
}

export function releaseState(
  spec: ReleaseSpec,
  observed: ObservedRelease | undefined,
  now: Date,
): { state: ReleaseState; reason: string } {
  const { state, reason } = classify(spec, observed, now, { mode: 'disabled' });
  return { state, reason };
}

function failurePlan(j: Judged, spec: ReleaseSpec, observed: ObservedRelease | undefined): FailurePlan {
  switch (j.action) {
    case 'install':
    case 'reinstall':
      return installFailurePlan(spec);
    case 'upgrade':
      return upgradeFailurePlan(observed);
    case 'unlock':
      return j.rollbackTo !== undefined ? { kind: 'rollback', revision: j.rollbackTo } : { kind: 'fail' };
    default:
      return { kind: 'fail' };
  }
}

function classify(
  spec: ReleaseSpec,
  observed: ObservedRelease | undefined,
  now: Date,
  drift: { mode: DriftDetection; objects?: ObservedObject[] },
): Judged {
  if (!observed || observed.status === 'uninstalled')
    return { state: 'absent', reason: 'not installed', action: 'install' };
  const recovery = recoverObserved(observed, { protected: spec.protected, timeoutSeconds: spec.timeoutSeconds }, now);
  if (recovery.kind !== 'none') return fromRecovery(observed, recovery);
  if (observed.status === 'deployed' && digestMatches(observed.digest, spec.digest)) {
    if (observed.appliedRevision !== undefined && observed.appliedRevision !== observed.revision) {
      return {
        state: 'out-of-band',
        reason: `revision ${observed.revision} was not made by Slipway (it last applied revision ${observed.appliedRevision}): a hand-run helm upgrade or rollback`,
        action: 'upgrade',
      };
    }
    if (drift.mode !== 'disabled' && drift.objects) {
      const drifted = releaseDrift(drift.objects, spec.driftIgnore ?? []);
      if (drifted.length) {
        const fields = drifted.reduce((n, o) => n + (o.missing ? 1 : o.fields.length), 0);
        const what = `${drifted.length} object(s), ${fields} field(s) differ from revision ${observed.revision}`;
        return drift.mode === 'enabled'
          ? { state: 'drifted', reason: what, action: 'repair', drift: drifted }
          : {
              state: 'drifted',
              reason: `${what} (drift detection warn: not repaired)`,
              action: 'none',
              drift: drifted,
            };
      }
    }
    return { state: 'in-sync', reason: `revision ${observed.revision} has the planned digest`, action: 'none' };
  }
  const reason =
    observed.status !== 'deployed'
      ? `status ${observed.status}`
      : observed.digest
        ? `revision ${observed.revision} has another digest`
        : `revision ${observed.revision} was not installed by Slipway`;
  return { state: 'changed', reason, action: 'upgrade' };
}

function fromRecovery(observed: ObservedRelease, r: Exclude<Recovery, { kind: 'none' }>): Judged {
  const failed = observed.status === 'failed';
  switch (r.kind) {
    case 'wait':
      return { state: 'locked', reason: r.reason, action: 'wait' };
    case 'fail':
      return { state: 'protected-failed', reason: r.reason, action: 'blocked' };
    case 'rollback':
      return {
        state: failed ? 'failed' : 'stuck',
        reason: `${r.reason}, then upgrading`,
        action: 'unlock',
        rollbackTo: r.revision,
      };
    case 'uninstall':
      return {
        state: failed ? 'failed' : 'stuck',
        reason: r.thenInstall ? r.reason : `${r.reason}, then installing`,
        action: 'reinstall',
      };
  }
}
