// The SiteSet controller's writes to the API server: generated Sites by server-side apply
// (field manager slipway-siteset, so labels and annotations others add are kept and fields
// the SiteSet stops setting are removed), deletion with a uid precondition, release by a
// JSON patch that first tests the ownerReference is still ours, status through the status
// subresource.
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { SITESET_LABEL, SITESET_PLURAL, type SiteSet, type SiteSetStatus } from '../../operator/api/siteset-types.js';
import { GROUP, SITE_PLURAL, type Site, VERSION } from '../../operator/api/types.js';
import { FIELD_MANAGER } from './constants.js';
import type { SiteSetWriter } from './reconcile.js';
import type { OwnerReference } from './sync.js';

const notFound = (e: unknown) => (e as { code?: number }).code === 404;
const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function kubeSiteSetWriter(kc: KubeConfig): SiteSetWriter {
  const api = kc.makeApiClient(CustomObjectsApi);
  const site = (s: Site) => ({
    group: GROUP,
    version: VERSION,
    plural: SITE_PLURAL,
    namespace: s.metadata.namespace ?? 'default',
    name: s.metadata.name,
  });
  return {
    async applySite(s) {
      await api.patchNamespacedCustomObject(
        { ...site(s), body: s, fieldManager: FIELD_MANAGER, force: true },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    },
    async deleteSite(s) {
      try {
        await api.deleteNamespacedCustomObject({
          ...site(s),
          propagationPolicy: 'Background',
          body: { preconditions: { uid: s.metadata.uid } },
        });
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
    async releaseSite(s, ownerUid) {
      const refs = (s.metadata.ownerReferences ?? []) as OwnerReference[];
      const i = refs.findIndex((r) => r.uid === ownerUid);
      const ops: unknown[] = [];
      if (i >= 0)
        ops.push(
          { op: 'test', path: `/metadata/ownerReferences/${i}/uid`, value: ownerUid },
          { op: 'remove', path: `/metadata/ownerReferences/${i}` },
        );
      if (s.metadata.labels?.[SITESET_LABEL] !== undefined)
        ops.push({ op: 'remove', path: `/metadata/labels/${pointer(SITESET_LABEL)}` });
      if (!ops.length) return;
      try {
        await api.patchNamespacedCustomObject(
          { ...site(s), body: ops },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
    async patchStatus(set: SiteSet, status: SiteSetStatus) {
      const ref = {
        group: GROUP,
        version: VERSION,
        plural: SITESET_PLURAL,
        namespace: set.metadata.namespace ?? 'default',
        name: set.metadata.name,
      };
      await api.patchNamespacedCustomObjectStatus(
        { ...ref, body: [{ op: 'add', path: '/status', value: status }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
    },
  };
}
