// Armada `upgrade.pre.delete`: before an upgrade, delete Jobs and Pods by label in the
// release namespace, and wait until they are gone (so a Job of the same name can be
// created again). Not a helm action: done through the Kubernetes API, reported in the
// same HelmResult shape (exitCode 0 on success, 1 on failure). An item without labels
// is refused: it would delete every Job or Pod of the namespace.
import type { HelmResult, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { apiErrorMessage, type KubeClients, labelSelector } from './kube.js';

export interface DeleteStep {
  type: 'job' | 'pod';
  labelSelector: string;
}

/** The deletions a spec asks for, or why they are refused. Pure. */
export function deleteSteps(spec: ReleaseSpec): { steps: DeleteStep[] } | { error: string } {
  const steps: DeleteStep[] = [];
  for (const item of spec.preUpgradeDelete) {
    const selector = labelSelector(item.labels);
    if (!selector)
      return {
        error: `upgrade.pre.delete of type ${item.type} has no labels: refusing to delete every ${item.type} in ${spec.namespace}`,
      };
    steps.push({ type: item.type, labelSelector: selector });
  }
  return { steps };
}

async function deleteAndCount(
  kube: KubeClients,
  namespace: string,
  step: DeleteStep,
  remove: boolean,
): Promise<number> {
  const q = { namespace, labelSelector: step.labelSelector };
  if (step.type === 'job') {
    if (remove) await kube.batch.deleteCollectionNamespacedJob({ ...q, propagationPolicy: 'Background' });
    return (await kube.batch.listNamespacedJob(q)).items.length;
  }
  if (remove) await kube.core.deleteCollectionNamespacedPod(q);
  return (await kube.core.listNamespacedPod(q)).items.length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function deleteResources(ctx: HelmActionContext, spec: ReleaseSpec): Promise<HelmResult> {
  const started = performance.now();
  const base = { action: 'delete-resources' as const, release: spec.name, namespace: spec.namespace };
  const done = (message: string): HelmResult => ({
    ...base,
    ok: message === '',
    exitCode: message === '' ? 0 : 1,
    message,
    durationMs: Math.round(performance.now() - started),
  });
  const planned = deleteSteps(spec);
  if ('error' in planned) return done(planned.error);
  if (planned.steps.length === 0) return done('');
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const interval = ctx.pollIntervalMs ?? 2000;
  try {
    for (const step of planned.steps) {
      let left = await deleteAndCount(ctx.kube(), spec.namespace, step, true);
      while (left > 0) {
        if (Date.now() + interval > deadline) {
          return done(
            `Timed out waiting for ${left} ${step.type}(s) (namespace=${spec.namespace}, labels=(${step.labelSelector})) to be deleted`,
          );
        }
        await sleep(interval);
        left = await deleteAndCount(ctx.kube(), spec.namespace, step, false);
      }
    }
  } catch (err) {
    return done(`upgrade.pre.delete failed: ${apiErrorMessage(err)}`);
  }
  return done('');
}
