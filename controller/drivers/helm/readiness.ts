// Armada's readiness rules for `wait.labels` / `wait.resources` (armada/handlers/wait.py,
// v1 documents), as pure functions over the objects the Kubernetes API returns.
// Controllers follow `kubectl rollout status`; `min_ready` is a count or a percentage.
import type { V1DaemonSet, V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

export type WaitResourceType = 'job' | 'pod' | 'deployment' | 'daemonset' | 'statefulset';
export const WAIT_RESOURCE_TYPES: readonly WaitResourceType[] = [
  'job',
  'pod',
  'deployment',
  'daemonset',
  'statefulset',
];

export interface Readiness {
  ready: boolean;
  /** Why not ready (for the timeout message). */
  reason?: string;
}

export type MinReady = { count: number } | { percent: number };

/** `min_ready`: an integer or "N%"; default 100%. Undefined when invalid. */
export function parseMinReady(value: number | string | undefined): MinReady | undefined {
  if (value === undefined) return { percent: 100 };
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? { count: value } : undefined;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (m) return { percent: Number(m[1]) };
  if (/^\d+$/.test(value.trim())) return { count: Number(value.trim()) };
  return undefined;
}

export function isMinReady(ready: number, total: number, min: MinReady): boolean {
  const need = 'count' in min ? min.count : Math.ceil(total * (min.percent / 100));
  return ready >= need;
}

const ok: Readiness = { ready: true };
const not = (reason: string): Readiness => ({ ready: false, reason });

/** Resources left out of a wait (Armada: helm test pods, evicted pods, Job pods; CronJob jobs). */
export function excludeReason(type: WaitResourceType, obj: V1Pod | V1Job): string | undefined {
  const owners = obj.metadata?.ownerReferences ?? [];
  if (type === 'pod') {
    const pod = obj as V1Pod;
    const hook = pod.metadata?.annotations?.['helm.sh/hook'] ?? '';
    if (hook.split(',').some((h) => h.trim() === 'test' || h.trim() === 'test-success')) return 'helm test pod';
    if (pod.status?.reason === 'Evicted') return 'evicted';
    if (pod.metadata?.deletionTimestamp) return 'terminating';
    if (owners.some((o) => o.kind === 'Job')) return 'owned by a job';
  }
  if (type === 'job' && owners.some((o) => o.kind === 'CronJob')) return 'owned by a cronjob';
  return undefined;
}

export function podReadiness(pod: V1Pod): Readiness {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return ok;
  if (phase === 'Running' && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return ok;
  return not(`phase ${phase ?? 'unknown'}, not Ready`);
}

export function jobReadiness(job: V1Job): Readiness {
  const expected = job.spec?.completions ?? 1;
  const succeeded = job.status?.succeeded ?? 0;
  return succeeded >= expected ? ok : not(`${succeeded} of ${expected} completions`);
}

function generationObserved(obj: {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number };
}): boolean {
  return (obj.metadata?.generation ?? 0) <= (obj.status?.observedGeneration ?? 0);
}

export function deploymentReadiness(d: V1Deployment, min: MinReady): Readiness {
  if (!generationObserved(d)) return not('spec update not yet observed');
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return not('exceeded its progress deadline');
  const replicas = d.spec?.replicas ?? 1;
  const updated = d.status?.updatedReplicas ?? 0;
  const total = d.status?.replicas ?? 0;
  const available = d.status?.availableReplicas ?? 0;
  if (updated < replicas) return not(`${updated} of ${replicas} new replicas updated`);
  if (total > updated) return not(`${total - updated} old replicas pending termination`);
  if (!isMinReady(available, updated, min)) return not(`${available} of ${updated} updated replicas available`);
  return ok;
}

export function daemonSetReadiness(ds: V1DaemonSet, min: MinReady): Readiness {
  if (!generationObserved(ds)) return not('spec update not yet observed');
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const updated = ds.status?.updatedNumberScheduled ?? 0;
  const available = ds.status?.numberAvailable ?? 0;
  if (ds.spec?.updateStrategy?.type !== 'OnDelete' && updated < desired) {
    return not(`${updated} of ${desired} pods updated`);
  }
  if (!isMinReady(available, desired, min)) return not(`${available} of ${desired} pods available`);
  return ok;
}

export function statefulSetReadiness(ss: V1StatefulSet, min: MinReady): Readiness {
  if (!generationObserved(ss)) return not('spec update not yet observed');
  const replicas = ss.spec?.replicas ?? 1;
  const ready = ss.status?.readyReplicas ?? 0;
  if (!isMinReady(ready, replicas, min)) return not(`${ready} of ${replicas} replicas ready`);
  const rolling = (ss.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && ss.status?.updateRevision && ss.status.currentRevision !== ss.status.updateRevision) {
    const updated = ss.status.updatedReplicas ?? 0;
    if (!isMinReady(updated, replicas, min)) return not(`${updated} of ${replicas} replicas updated`);
  }
  return ok;
}
