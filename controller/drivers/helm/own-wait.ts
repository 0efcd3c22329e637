// After a successful install/upgrade that did not --wait: Armada's own wait, when the
// spec asks for one. A wait that fails turns the result into a failure (ok: false) that
// keeps helm's exit code (0: helm itself succeeded and stored the revision as deployed)
// and says what was not ready. `ok` is the verdict, not the exit code.
import type { HelmResult, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { usesOwnWait, waitTimeoutSeconds } from './flags.js';
import { waitForResources } from './wait.js';

export async function finishWithOwnWait(
  ctx: HelmActionContext,
  spec: ReleaseSpec,
  result: HelmResult,
): Promise<HelmResult> {
  if (!result.ok || !usesOwnWait(spec.wait)) return result;
  const started = performance.now();
  const outcome = await waitForResources(
    ctx.kube(),
    spec.namespace,
    spec.wait,
    waitTimeoutSeconds(spec),
    ctx.pollIntervalMs,
  );
  const durationMs = result.durationMs + Math.round(performance.now() - started);
  if (outcome.ok) return { ...result, durationMs };
  return {
    ...result,
    ok: false,
    durationMs,
    message: `helm ${result.action} succeeded, but the wait failed: ${outcome.message}`,
  };
}
