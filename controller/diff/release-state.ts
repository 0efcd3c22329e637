// The state of one planned release, from what Helm stored for it, and the one action for it.
// Locks and leftovers (pending-*, failed, uninstalling) are judged by the helm driver's
// recovery policy, so `diff` shows exactly what `apply` will do.

import { digestMatches } from '../drivers/helm/digest-label.js';
import { type Recovery, recoverObserved } from '../drivers/helm/recovery.js';
import type { ObservedRelease, ReleaseSpec } from '../drivers/types.js';
import type { ReleaseAction, ReleaseDecision, ReleaseState } from './types.js';

export function releaseDecision(
  stepId: string,
  spec: ReleaseSpec,
  observed: ObservedRelease | undefined,
  now: Date,
): ReleaseDecision {
  const { state, reason, action } = classify(spec, observed, now);
  const d: ReleaseDecision = { kind: 'release', stepId, state, action, reason };
  if (observed) d.observed = observed;
  return d;
}

export function releaseState(
  spec: ReleaseSpec,
  observed: ObservedRelease | undefined,
  now: Date,
): { state: ReleaseState; reason: string } {
  const { state, reason } = classify(spec, observed, now);
  return { state, reason };
}

function classify(
  spec: ReleaseSpec,
  observed: ObservedRelease | undefined,
  now: Date,
): { state: ReleaseState; reason: string; action: ReleaseAction } {
  if (!observed || observed.status === 'uninstalled')
    return { state: 'absent', reason: 'not installed', action: 'install' };
  const recovery = recoverObserved(observed, { protected: spec.protected, timeoutSeconds: spec.timeoutSeconds }, now);
  if (recovery.kind !== 'none') return fromRecovery(observed, recovery);
  if (observed.status === 'deployed' && digestMatches(observed.digest, spec.digest)) {
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

function fromRecovery(
  observed: ObservedRelease,
  r: Exclude<Recovery, { kind: 'none' }>,
): { state: ReleaseState; reason: string; action: ReleaseAction } {
  const failed = observed.status === 'failed';
  switch (r.kind) {
    case 'wait':
      return { state: 'locked', reason: r.reason, action: 'wait' };
    case 'fail':
      return { state: 'protected-failed', reason: r.reason, action: 'blocked' };
    case 'rollback':
      return { state: failed ? 'failed' : 'stuck', reason: r.reason, action: 'unlock' };
    case 'uninstall':
      return { state: failed ? 'failed' : 'stuck', reason: r.reason, action: r.thenInstall ? 'reinstall' : 'unlock' };
    case 'retry-install':
      return { state: 'failed', reason: r.reason, action: 'reinstall' };
  }
}
