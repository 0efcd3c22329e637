// The fleet benchmark's side of the API server: the CRDs, the run's namespace, the SiteSet
// (create, read, change the template), a ConfigMap's value, and the clean-up that releases
// every Site's finalizer once the controllers are gone and deletes the namespace.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import PQueue from 'p-queue';
import { crdApplyCalls } from '../operator/api/crds.js';
import type { SiteSet } from '../operator/api/siteset-types.js';

const GROUP = { group: 'slipway.dev', version: 'v1alpha1' } as const;

export interface FleetKube {
  applyCrds(): void;
  createNamespace(name: string): Promise<void>;
  createSiteSet(set: SiteSet): Promise<void>;
  getSiteSet(ns: string, name: string): Promise<SiteSet>;
  /** Replaces the SiteSet's template documents (read, edit, write; retried on a conflict). */
  editTemplate(ns: string, name: string, edit: (set: SiteSet) => void): Promise<void>;
  configMapValue(ns: string, name: string, key: string): Promise<string | undefined>;
  /** Strips the finalizers of every Site left in the namespace (the controllers are stopped), then deletes it. */
  removeNamespace(ns: string): Promise<{ finalizersReleased: number }>;
}

export function fleetKube(env: Record<string, string>, repoRoot: string): FleetKube {
  const kc = new KubeConfig();
  kc.loadFromFile(env.KUBECONFIG!);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const kubectl = (args: string[]) =>
    execFileSync(env.KUBECTL ?? 'kubectl', ['--kubeconfig', env.KUBECONFIG!, '--request-timeout=60s', ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const getSiteSet = async (namespace: string, name: string) =>
    (await custom.getNamespacedCustomObject({ ...GROUP, plural: 'sitesets', namespace, name })) as SiteSet;

  return {
    applyCrds() {
      for (const args of crdApplyCalls(join(repoRoot, 'crds'))) kubectl(args);
    },
    async createNamespace(name) {
      await core.createNamespace({ body: { metadata: { name, labels: { 'slipway.dev/bench': 'fleet-rollout' } } } });
    },
    async createSiteSet(set) {
      await custom.createNamespacedCustomObject({
        ...GROUP,
        plural: 'sitesets',
        namespace: set.metadata.namespace!,
        body: set,
      });
    },
    getSiteSet,
    async editTemplate(namespace, name, edit) {
      for (let attempt = 0; ; attempt++) {
        const set = await getSiteSet(namespace, name);
        edit(set);
        try {
          await custom.replaceNamespacedCustomObject({ ...GROUP, plural: 'sitesets', namespace, name, body: set });
          return;
        } catch (e) {
          if ((e as { code?: number }).code !== 409 || attempt >= 10) throw e;
        }
      }
    },
    async configMapValue(namespace, name, key) {
      const cm = await core.readNamespacedConfigMap({ namespace, name }).catch(() => undefined);
      return cm?.data?.[key];
    },
    async removeNamespace(namespace) {
      const queue = new PQueue({ concurrency: 16 });
      let released = 0;
      let _continue: string | undefined;
      do {
        const page = (await custom.listNamespacedCustomObject({
          ...GROUP,
          plural: 'sites',
          namespace,
          limit: 500,
          ...(_continue ? { _continue } : {}),
        })) as { items: { metadata: { name: string; finalizers?: string[] } }[]; metadata?: { continue?: string } };
        for (const s of page.items) {
          if (!s.metadata.finalizers?.length) continue;
          void queue.add(async () => {
            await custom
              .patchNamespacedCustomObject(
                {
                  ...GROUP,
                  plural: 'sites',
                  namespace,
                  name: s.metadata.name,
                  body: { metadata: { finalizers: null } },
                },
                setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
              )
              .then(() => released++)
              .catch(() => undefined);
          });
        }
        _continue = page.metadata?.continue || undefined;
      } while (_continue);
      await queue.onIdle();
      await core.deleteNamespace({ name: namespace }).catch((e: { code?: number }) => {
        if (e.code !== 404) throw e;
      });
      return { finalizersReleased: released };
    },
  };
}
