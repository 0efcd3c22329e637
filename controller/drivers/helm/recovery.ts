// Recovery policy: pure decisions from what Helm stored (and what a helm run returned)
// to the one action the workflow takes next. Every decision that follows a failure
// carries helm's own error text in `message`.
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
//   failed run                                decision
//   install, attempt 1                        uninstall (when Helm stored a revision) and retry once
//   install, protected                        fail (a protected release is never purged)
//   install, attempt 2+                       fail
//   upgrade                                   rollback to the revision deployed before it; none: fail
//   rollback / uninstall / test / delete      fail
import type { HelmResult, ObservedRelease } from '../types.js';

export interface RecoveryPolicy {
  /** Armada `protected`: never uninstalled by recovery. */
  protected: boolean;
  /** How long a pending-* release may be locked before it is considered stale. */
  timeoutSeconds: number;
}

export type Recovery =
  | { kind: 'none' }
  | { kind: 'wait'; retryAfterSeconds: number; reason: string }
  | { kind: 'rollback'; revision: number; reason: string; message?: string }
  | { kind: 'uninstall'; thenInstall: boolean; reason: string; message?: string }
  | { kind: 'retry-install'; reason: string; message: string }
  | { kind: 'fail'; reason: string; message?: string };

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

export interface FailedRunInput {
  result: HelmResult;
  policy: RecoveryPolicy;
  /** The release as observed before the run (the rollback target of an upgrade comes from here). */
  before?: ObservedRelease;
  /** The release as observed after the run (undefined: Helm stored nothing). */
  after?: ObservedRelease;
  /** 1 for the first run of this action in this apply, 2 for the retry... */
  attempt: number;
}

/** What to do after a helm run; `none` when it succeeded. */
export function recoverFailedRun(input: FailedRunInput): Recovery {
  const { result, policy, before, after, attempt } = input;
  if (result.ok) return { kind: 'none' };
  const message = result.message;
  const who = `${result.namespace}/${result.release}`;
  switch (result.action) {
    case 'install': {
      if (policy.protected)
        return {
          kind: 'fail',
          reason: `install of ${who} failed; it is protected, so it is not uninstalled or retried`,
          message,
        };
      if (attempt > 1) return { kind: 'fail', reason: `install of ${who} failed again (attempt ${attempt})`, message };
      if (after)
        return {
          kind: 'uninstall',
          thenInstall: true,
          reason: `install of ${who} failed: uninstalling and retrying once`,
          message,
        };
      return {
        kind: 'retry-install',
        reason: `install of ${who} failed and Helm stored nothing: retrying once`,
        message,
      };
    }
    case 'upgrade': {
      // Before the upgrade, the last deployed revision is the one to go back to (even
      // when the upgrade itself ended `deployed` and only the wait failed).
      const target = before?.lastDeployedRevision ?? rollbackTarget(after);
      if (target !== undefined && (!after || target < after.revision)) {
        return {
          kind: 'rollback',
          revision: target,
          reason: `upgrade of ${who} failed: rolling back to revision ${target}`,
          message,
        };
      }
      if (!after || after.revision === before?.revision) {
        // Helm stored no new revision (e.g. a template error): nothing changed in the cluster.
        return { kind: 'fail', reason: `upgrade of ${who} failed before Helm stored a revision`, message };
      }
      return {
        kind: 'fail',
        reason: `upgrade of ${who} failed and there is no deployed revision to roll back to`,
        message,
      };
    }
    default:
      return { kind: 'fail', reason: `${result.action} of ${who} failed`, message };
  }
}
