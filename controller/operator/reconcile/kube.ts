// The reconciler's seams against the API server: Sites (read fresh, status through the
// status subresource, finalizers with the resourceVersion as a precondition) and the
// Secrets/ConfigMaps a source reads.

import { CoreV1Api, CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, SITE_PLURAL, type Site, VERSION } from '../api/types.js';
import type { SourceReader } from '../source/types.js';
import type { SiteClient } from './types.js';

const notFound = (e: unknown) => (e as { code?: number }).code === 404;

export function kubeSiteClient(kc: KubeConfig): SiteClient {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = (site: Site) => ({
    group: GROUP,
    version: VERSION,
    plural: SITE_PLURAL,
    namespace: site.metadata.namespace ?? 'default',
    name: site.metadata.name,
  });
  return {
    async get(namespace, name) {
      try {
        return (await api.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: SITE_PLURAL,
          namespace,
          name,
        })) as Site;
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    async patchStatus(site, status) {
      const body = [{ op: 'add', path: '/status', value: status }];
      await api.patchNamespacedCustomObjectStatus(
        { ...ref(site), body },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
    },
    async setFinalizers(site, finalizers) {
      const metadata: Record<string, unknown> = { finalizers };
      if (site.metadata.resourceVersion) metadata.resourceVersion = site.metadata.resourceVersion;
      try {
        return (await api.patchNamespacedCustomObject(
          { ...ref(site), body: { metadata } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )) as Site;
      } catch (e) {
        if (notFound(e) && finalizers.length === 0) return site; // already gone
        throw e;
      }
    },
  };
}

export function kubeSourceReader(kc: KubeConfig): SourceReader {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async readSecret(namespace, name) {
      try {
        const s = await core.readNamespacedSecret({ namespace, name });
        return Object.fromEntries(
          Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
        );
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    async readConfigMap(namespace, name) {
      try {
        return (await core.readNamespacedConfigMap({ namespace, name })).data ?? {};
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
  };
}
