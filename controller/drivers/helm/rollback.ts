// helm rollback to a given revision, waiting for it. Helm copies the target revision's
// labels, so the rolled-back release carries that revision's digest again. Helm allows a
// rollback of a release stuck in pending-*: this is how a stale lock is released.
import type { HelmResult } from '../types.js';
import type { HelmActionContext } from './context.js';
import { seconds } from './flags.js';

export function rollbackArgs(name: string, namespace: string, revision: number, timeoutSeconds: number): string[] {
  return ['rollback', name, String(revision), '--namespace', namespace, '--wait', '--timeout', seconds(timeoutSeconds)];
}

export function rollback(
  ctx: HelmActionContext,
  name: string,
  namespace: string,
  revision: number,
  timeoutSeconds: number,
): Promise<HelmResult> {
  return ctx.run({
    action: 'rollback',
    release: name,
    namespace,
    args: rollbackArgs(name, namespace, revision, timeoutSeconds),
    timeoutSeconds,
  });
}
