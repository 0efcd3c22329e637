// Armada's `wait.labels` / `wait.resources` on top of a helm run that did not --wait.
//
// Kept simple: one poll (list by label selector) per resource kind every pollIntervalMs
// until every listed resource is ready or the deadline passes.
// - labels only: wait on jobs (if any) and pods carrying the labels (Armada v1 default);
// - resources: each item's labels are wait.labels plus its own; each item must find at
//   least one resource; controllers honour `minReady` (count or "N%", default 100%);
// - excluded as in Armada: helm test pods, evicted and terminating pods, pods of Jobs,
//   Jobs of CronJobs.
// The timeout message follows Armada's wording and names the resources still not ready.
import type { V1DaemonSet, V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { WaitSpec } from '../types.js';
import { apiErrorMessage, type KubeClients, labelSelector } from './kube.js';
import {
  daemonSetReadiness,
  deploymentReadiness,
  excludeReason,
  jobReadiness,
  type MinReady,
  parseMinReady,
  podReadiness,
  type Readiness,
  statefulSetReadiness,
  WAIT_RESOURCE_TYPES,
  type WaitResourceType,
} from './readiness.js';

export interface ResolvedWait {
  type: WaitResourceType;
  labels: Record<string, string>;
  minReady: MinReady;
  /** When true, finding none of them is not ready; when false, none found is fine. */
  required: boolean;
}

export type WaitOutcome = { ok: true } | { ok: false; message: string };

/** The list of waits a WaitSpec stands for, or a problem with it. Pure. */
export function resolveWaits(wait: WaitSpec): { waits: ResolvedWait[] } | { error: string } {
  const base = wait.labels ?? {};
  if (!wait.resources || wait.resources.length === 0) {
    return {
      waits: [
        { type: 'job', labels: { ...base }, minReady: { percent: 100 }, required: false },
        { type: 'pod', labels: { ...base }, minReady: { percent: 100 }, required: true },
      ],
    };
  }
  const waits: ResolvedWait[] = [];
  for (const r of wait.resources) {
    const type = r.type.toLowerCase() as WaitResourceType;
    if (!WAIT_RESOURCE_TYPES.includes(type)) {
      return {
        error: `invalid \`type\` for item in \`wait.resources\`: ${r.type} (one of ${WAIT_RESOURCE_TYPES.join(', ')})`,
      };
    }
    const minReady = parseMinReady(r.minReady);
    if (!minReady)
      return { error: `\`min_ready\` of wait resource ${r.type} must be an integer or a percentage like "80%"` };
    waits.push({ type, labels: { ...base, ...(r.labels ?? {}) }, minReady, required: true });
  }
  return { waits };
}

interface Named {
  name: string;
  readiness: Readiness;
}

async function listReadiness(kube: KubeClients, namespace: string, w: ResolvedWait): Promise<Named[]> {
  const labelSelectorText = labelSelector(w.labels);
  const q = { namespace, ...(labelSelectorText ? { labelSelector: labelSelectorText } : {}) };
  const named = <T extends { metadata?: { name?: string } }>(items: T[], check: (x: T) => Readiness) =>
    items.map((x) => ({ name: x.metadata?.name ?? '?', readiness: check(x) }));
  switch (w.type) {
    case 'pod': {
      const items = (await kube.core.listNamespacedPod(q)).items.filter((p: V1Pod) => !excludeReason('pod', p));
      return named(items, podReadiness);
    }
    case 'job': {
      const items = (await kube.batch.listNamespacedJob(q)).items.filter((j: V1Job) => !excludeReason('job', j));
      return named(items, jobReadiness);
    }
    case 'deployment':
      return named((await kube.apps.listNamespacedDeployment(q)).items, (d: V1Deployment) =>
        deploymentReadiness(d, w.minReady),
      );
    case 'daemonset':
      return named((await kube.apps.listNamespacedDaemonSet(q)).items, (d: V1DaemonSet) =>
        daemonSetReadiness(d, w.minReady),
      );
    case 'statefulset':
      return named((await kube.apps.listNamespacedStatefulSet(q)).items, (s: V1StatefulSet) =>
        statefulSetReadiness(s, w.minReady),
      );
  }
}

/** Armada's message for a wait that timed out. Pure. */
export function timeoutMessage(
  namespace: string,
  w: ResolvedWait,
  seen: Named[] | undefined,
  lastError?: string,
): string {
  const head = `Timed out waiting for ${w.type}s (namespace=${namespace}, labels=(${labelSelector(w.labels)})).`;
  if (!seen) return `${head} ${lastError ? `Last API error: ${lastError}` : 'Could not list them.'}`;
  if (seen.length === 0) {
    return `${head} None found! Are \`wait.labels\` correct? Does \`wait.resources\` need to exclude \`type: ${w.type}\`?`;
  }
  const unready = seen.filter((s) => !s.readiness.ready).map((s) => `${s.name}: ${s.readiness.reason ?? 'not ready'}`);
  return `${head} These ${w.type}s were not ready: ${unready.join('; ')}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForResources(
  kube: KubeClients,
  namespace: string,
  wait: WaitSpec,
  timeoutSeconds: number,
  pollIntervalMs = 2000,
): Promise<WaitOutcome> {
  const resolved = resolveWaits(wait);
  if ('error' in resolved) return { ok: false, message: resolved.error };
  const deadline = Date.now() + timeoutSeconds * 1000;
  // One wait after the other, all under one deadline (as Armada does).
  for (const w of resolved.waits) {
    let seen: Named[] | undefined;
    let lastError: string | undefined;
    for (;;) {
      try {
        seen = await listReadiness(kube, namespace, w);
        lastError = undefined;
        if (seen.length === 0 && !w.required) break;
        if (seen.length > 0 && seen.every((s) => s.readiness.ready)) break;
      } catch (err) {
        lastError = apiErrorMessage(err);
      }
      if (Date.now() + pollIntervalMs > deadline) {
        return { ok: false, message: timeoutMessage(namespace, w, seen, lastError) };
      }
      await sleep(pollIntervalMs);
    }
  }
  return { ok: true };
}
