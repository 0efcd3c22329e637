// Drift observation and repair for one release, through the Kubernetes API (no helm process):
//   objects  the latest revision's manifest (Helm's release Secret), and for each object the
//            live object and a forced server-side apply dry run of it as Helm's field manager
//            (Helm 4 applies server-side as `helm`), which diff/release-drift.ts compares;
//   repair   the same apply for real (conflicts forced): the live objects go back to the
//            release's manifest and Helm stores no new revision.
import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { PatchStrategy } from '@kubernetes/client-node';
import type { JsonObject } from '../../documents/types.js';
import { yamlLib } from '../../documents/yaml-lib.js';
import type { HelmResult, ObjectRef, ObservedObject } from '../types.js';
import { appliesAsIs } from './applies-as-is.js';
import type { HelmActionContext } from './context.js';
import { createDriftCache, type DriftCache, dryRunKey } from './drift-cache.js';
import { apiErrorMessage } from './kube.js';
import type { ReleaseObserver } from './observer.js';

/** Helm 4's server-side apply field manager: repairs own the fields as Helm does. */
export const HELM_FIELD_MANAGER = 'helm';

/** The objects of a rendered manifest (multi-document YAML), empty documents dropped. */
export function manifestObjects(manifest: string): JsonObject[] {
  return yamlLib()
    .parseAllDocuments(manifest)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is JsonObject => !!o && typeof o === 'object' && !Array.isArray(o) && 'kind' in o);
}

/**
 * A manifest object as Helm applies it: with the ownership metadata Helm adds to every
 * object of a release (the stored manifest does not have it). Without it, an apply as Helm's
 * field manager would remove what Helm set.
 */
export function asHelmApplies(o: JsonObject, release: string, namespace: string): JsonObject {
  const copy = structuredClone(o);
  const meta = (copy.metadata ?? {}) as JsonObject;
  meta.annotations = {
    ...((meta.annotations ?? {}) as JsonObject),
    'meta.helm.sh/release-name': release,
    'meta.helm.sh/release-namespace': namespace,
  };
  meta.labels = { ...((meta.labels ?? {}) as JsonObject), 'app.kubernetes.io/managed-by': 'Helm' };
  copy.metadata = meta;
  return copy;
}

export function objectRef(o: JsonObject): ObjectRef {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
  const ref: ObjectRef = { apiVersion: String(o.apiVersion ?? 'v1'), kind: String(o.kind), name: meta.name ?? '' };
  if (meta.namespace) ref.namespace = meta.namespace;
  return ref;
}

/**
 * The latest revision's objects beside the live ones. The revision comes from the observer's
 * last list when that is recent (an observe pass lists first), its objects and the dry runs of
 * unchanged live objects from `cache` (./drift-cache.ts); no dry run at all for a live object an
 * apply would leave as it is (./applies-as-is.ts): a look at an unchanged release costs one read
 * per object.
 */
export async function observeObjects(
  ctx: HelmActionContext,
  observer: ReleaseObserver,
  name: string,
  namespace: string,
  cache: DriftCache = createDriftCache(),
): Promise<ObservedObject[]> {
  const latest = await observer.latestListed(name, namespace);
  if (!latest) return [];
  const api = ctx.kube().objects(namespace);
  const objects = cache.manifest(`${latest.uid}@${latest.secret}`, () =>
    manifestObjects(latest.manifest).map((o) => asHelmApplies(o, name, namespace)),
  );
  return Promise.all(
    objects.map(async (manifest): Promise<ObservedObject> => {
      const ref = objectRef(manifest);
      let live: KubernetesObject | undefined;
      try {
        live = await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: header(ref) });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) return { ref, manifest, error: apiErrorMessage(err) };
      }
      if (!live) return { ref, manifest };
      const observed: ObservedObject = { ref: refOf(live, ref), manifest, live: live as unknown as JsonObject };
      if (appliesAsIs(manifest, observed.live!, HELM_FIELD_MANAGER)) {
        observed.applied = observed.live!;
        return observed;
      }
      const key = dryRunKey(latest.uid, ref, live);
      const known = key ? cache.dryRun(key) : undefined;
      if (known) {
        observed.applied = known;
        return observed;
      }
      try {
        observed.applied = (await apply(api, manifest, true)) as unknown as JsonObject;
        if (key) cache.rememberDryRun(key, observed.applied);
      } catch (err) {
        observed.error = `server-side apply dry run refused: ${apiErrorMessage(err)}`;
      }
      return observed;
    }),
  );
}

export async function repairObjects(
  ctx: HelmActionContext,
  name: string,
  namespace: string,
  objects: JsonObject[],
): Promise<HelmResult> {
  const t0 = performance.now();
  const api = ctx.kube().objects(namespace);
  const errors: string[] = [];
  for (const o of objects) {
    try {
      await apply(api, o, false);
    } catch (err) {
      const r = objectRef(o);
      errors.push(`${r.kind}/${r.name}: ${apiErrorMessage(err)}`);
    }
  }
  return {
    ok: errors.length === 0,
    action: 'repair',
    release: name,
    namespace,
    exitCode: errors.length ? 1 : 0,
    message: errors.join('; '),
    durationMs: performance.now() - t0,
  };
}

function apply(api: KubernetesObjectApi, o: JsonObject, dryRun: boolean): Promise<KubernetesObject> {
  const body = structuredClone(o) as unknown as KubernetesObject;
  return api.patch(
    body,
    undefined,
    dryRun ? 'All' : undefined,
    HELM_FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
}

function header(ref: ObjectRef): { name: string; namespace?: string } {
  return ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
}

/** The live object's ref (its namespace filled in by the API server for namespaced kinds). */
function refOf(live: KubernetesObject, fallback: ObjectRef): ObjectRef {
  const ns = live.metadata?.namespace;
  return ns ? { ...fallback, namespace: ns } : fallback;
}
