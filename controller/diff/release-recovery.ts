// Recovery policy: pure decisions from what Helm stored to the one action the workflow
// takes next, and, decided with it, what that action does when its helm run fails. It
// lives with the decision (diff/): execute only follows what was decided here.
//
//   observed state (before acting)            decision
//   pending-* younger than its timeout        wait (another operation may be running)
//   pending-* older, has a deployed revision  rollback to it            (unlock)
//   pending-* older, never deployed           uninstall, then install   (unlock)
//                                             protected: fail (needs a person)
//   uninstalling older than its timeout       uninstall again
//   failed, has a deployed revision           rollback to it
//   failed, never deployed                    uninstall, then install; protected: fail
//   anything else                             none
//
//   when the action's helm run fails          onFailure (decided before the run)
//   install / reinstall                       purge (when Helm stored a revision) and retry once
//   install / reinstall, protected            fail (a protected release is never purged)
//   upgrade                                   roll back to the revision deployed before it; none: fail
//   unlock (roll back to N, then upgrade)     roll back to N again
//   repair / rollback / test / delete         fail
import type { ObservedRelease, ReleaseSpec } from '../drivers/types.js';

export interface RecoveryPolicy {
  /** Armada `protected`: never uninstalled by recovery. */
  protected: boolean;
  /** How long a pending-* release may be locked before it is considered stale. */
  timeoutSeconds: number;
}

export type Recovery =
  | { kind: 'none' }
  | { kind: 'wait'; retryAfterSeconds: number; reason: string }
  | { kind: 'rollback'; revision: number; reason: string }
  | { kind: 'uninstall'; thenInstall: boolean; reason: string }
  | { kind: 'fail'; reason: string };

const PENDING = new Set(['pending-install', 'pending-upgrade', 'pending-rollback']);

export function isPending(observed: ObservedRelease): boolean {
  return PENDING.has(observed.status);
}

/** Seconds since the latest revision was written; Infinity when Helm recorded no time. */
export function ageSeconds(observed: ObservedRelease, now: Date): number {
  if (!observed.updatedAt) return Infinity;
  const t = Date.parse(observed.updatedAt);
  return Number.isNaN(t) ? Infinity : (now.getTime() - t) / 1000;
}

/** The deployed revision to roll back to: strictly older than the latest one. */
function rollbackTarget(observed: ObservedRelease | undefined): number | undefined {
  const r = observed?.lastDeployedRevision;
  return r !== undefined && observed && r < observed.revision ? r : undefined;
}

/** What to do about a release as observed before acting on it (locks and leftovers). */
export function recoverObserved(observed: ObservedRelease | undefined, policy: RecoveryPolicy, now: Date): Recovery {
  if (!observed) return { kind: 'none' };
  const where = `${observed.namespace}/${observed.name} revision ${observed.revision}`;
  if (isPending(observed) || observed.status === 'uninstalling') {
    const age = ageSeconds(observed, now);
    if (age <= policy.timeoutSeconds) {
      return {
        kind: 'wait',
        retryAfterSeconds: Math.max(1, Math.ceil(policy.timeoutSeconds - age)),
        reason: `${where} is ${observed.status} since ${Math.floor(age)}s (timeout ${policy.timeoutSeconds}s)`,
      };
    }
    const stale = `${where} is stuck in ${observed.status} for ${Number.isFinite(age) ? `${Math.floor(age)}s` : 'an unknown time'} (timeout ${policy.timeoutSeconds}s)`;
    if (observed.status === 'uninstalling')
      return { kind: 'uninstall', thenInstall: false, reason: `${stale}: finishing the uninstall` };
    const target = rollbackTarget(observed);
    if (target !== undefined)
      return {
        kind: 'rollback',
        revision: target,
        reason: `${stale}: unlocking by rolling back to revision ${target}`,
      };
    if (policy.protected)
      return {
        kind: 'fail',
        reason: `${stale} and was never deployed; it is protected, so it is not uninstalled: unlock it by hand`,
      };
    return {
      kind: 'uninstall',
      thenInstall: true,
      reason: `${stale} and was never deployed: uninstalling it to install again`,
    };
  }
  if (observed.status === 'failed') {
    const target = rollbackTarget(observed);
    if (target !== undefined)
      return { kind: 'rollback', revision: target, reason: `${where} failed: rolling back to revision ${target}` };
    if (policy.protected)
      return {
        kind: 'fail',
        reason: `${where} failed and was never deployed; it is protected, so it is not uninstalled`,
      };
    return {
      kind: 'uninstall',
      thenInstall: true,
      reason: `${where} failed and was never deployed: uninstalling it to install again`,
    };
  }
  return { kind: 'none' };
}

/** What a decided action does when its helm run fails. Chosen with the action, never after. */
export type FailurePlan =
  | { kind: 'fail' }
  /** Uninstall what the failed install stored (if anything), then install once more. */
  | { kind: 'purge-and-retry' }
  /** Roll back to this revision (only when Helm stored a newer one). */
  | { kind: 'rollback'; revision: number };

export function installFailurePlan(spec: Pick<ReleaseSpec, 'protected'>): FailurePlan {
  return spec.protected ? { kind: 'fail' } : { kind: 'purge-and-retry' };
}

/** Before the upgrade, the last deployed revision is the one to go back to. */
export function upgradeFailurePlan(observed: ObservedRelease | undefined): FailurePlan {
  const r = observed?.lastDeployedRevision;
  return r !== undefined ? { kind: 'rollback', revision: r } : { kind: 'fail' };
}
