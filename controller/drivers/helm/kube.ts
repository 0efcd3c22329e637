// Kubernetes API clients for the parts of the driver that need no helm process (the
// observer, Armada-style waits, upgrade.pre.delete), built from the same kubeconfig and
// context helm is given. Every client shares one keep-alive agent per connection
// (../../operator/reconcile/shared-agents.ts): client-node 1.x would open a new TLS connection
// for every call, which made observing 300 releases (3 calls each) a matter of handshakes.
import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { shareKubeAgents } from '../../operator/reconcile/shared-agents.js';
import type { HelmOptions } from './run.js';

export interface KubeClients {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  /**
   * A generic object client whose default namespace is `namespace`: a namespaced object of a
   * release's manifest without one lands there, as helm places it; cluster-scoped ones stay so.
   */
  objects(namespace: string): KubernetesObjectApi;
}

export function createKubeClients(options: HelmOptions): KubeClients {
  shareKubeAgents();
  const kc = new KubeConfig();
  if (options.kubeconfigPath) kc.loadFromFile(options.kubeconfigPath);
  else kc.loadFromDefault();
  if (options.kubeContext) kc.setCurrentContext(options.kubeContext);
  const byNamespace = new Map<string, KubernetesObjectApi>();
  const objects = (namespace: string) => {
    let api = byNamespace.get(namespace);
    if (!api) {
      const scoped = new KubeConfig();
      scoped.loadFromString(kc.exportConfig());
      scoped.contexts = scoped.contexts.map((c) => (c.name === scoped.currentContext ? { ...c, namespace } : c));
      api = KubernetesObjectApi.makeApiClient(scoped);
      byNamespace.set(namespace, api);
    }
    return api;
  };
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    objects,
  };
}

/** A Kubernetes API error as a short line: the Status message when there is one, never headers. */
export function apiErrorMessage(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      /* not JSON */
    }
  }
  const status = body as { message?: string } | undefined;
  if (status && typeof status === 'object' && typeof status.message === 'string') {
    return e.code ? `${status.message} (HTTP ${e.code})` : status.message;
  }
  const first = String(e.message ?? err).split('\n')[0] ?? '';
  return first.replace(/\s*Headers:.*$/s, '').slice(0, 500);
}

/** "a=b,c=d" from a label map, keys sorted. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}
