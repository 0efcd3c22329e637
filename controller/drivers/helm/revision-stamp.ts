// After a successful install, upgrade or rollback, the revision Helm just stored is stamped
// with slipway.dev/revision=<its number> on its release Secret (see ./digest-label.ts).
// A failure to stamp is reported as the result's warning but does not fail the action: the
// next diff sees an unstamped or mis-stamped revision and upgrades over it.
import type { HelmResult } from '../types.js';
import type { HelmActionContext } from './context.js';
import { APPLIED_REVISION_LABEL } from './digest-label.js';
import { apiErrorMessage } from './kube.js';
import type { ReleaseObserver } from './observer.js';

export async function stampRevision(
  ctx: HelmActionContext,
  observer: ReleaseObserver,
  result: HelmResult,
): Promise<HelmResult> {
  if (!result.ok) return result;
  try {
    const latest = await observer.latest(result.release, result.namespace);
    if (!latest) return result;
    const core = ctx.kube().core;
    const secret = await core.readNamespacedSecret({ name: latest.secret, namespace: result.namespace });
    secret.metadata = {
      ...secret.metadata,
      labels: { ...secret.metadata?.labels, [APPLIED_REVISION_LABEL]: String(latest.revision) },
    };
    await core.replaceNamespacedSecret({ name: latest.secret, namespace: result.namespace, body: secret });
    return result;
  } catch (err) {
    return { ...result, warning: `stamping the revision failed: ${apiErrorMessage(err)}` };
  }
}
