// What Helm actually stored, read straight from its release Secrets through the
// Kubernetes API: no helm process. list() needs only the Secrets' labels (status,
// version, digest, timestamps); values() decodes the latest revision's payload.
import type { CoreV1Api, V1Secret, V1SecretList } from '@kubernetes/client-node';
import type { JsonObject } from '../../documents/types.js';
import type { ObservedRelease } from '../types.js';
import { apiErrorMessage, labelSelector } from './kube.js';
import {
  decodeReleasePayload,
  HELM_OWNER_SELECTOR,
  hasTestHooks,
  latestReleases,
  type RevisionRecord,
  revisionFromSecret,
} from './release-secret.js';

export interface ReleaseObserver {
  list(namespaces?: string[]): Promise<ObservedRelease[]>;
  values(name: string, namespace: string): Promise<JsonObject | undefined>;
  /** The latest revision's number and Secret name, and its manifest (hooks excluded). */
  latest(
    name: string,
    namespace: string,
  ): Promise<{ revision: number; secret: string; manifest: string; testHooks: boolean } | undefined>;
}

const PAGE = 500;

/**
 * Every page of a list call. An API failure is rethrown as one short line (the Status
 * message, never the response body or headers).
 */
async function allPages(where: string, page: (cont: string | undefined) => Promise<V1SecretList>): Promise<V1Secret[]> {
  const items: V1Secret[] = [];
  let cont: string | undefined;
  try {
    do {
      const list = await page(cont);
      items.push(...list.items);
      cont = list.metadata?._continue || undefined;
    } while (cont);
  } catch (err) {
    throw new Error(`listing Helm release Secrets ${where} failed: ${apiErrorMessage(err)}`);
  }
  return items;
}

function records(secrets: V1Secret[]): RevisionRecord[] {
  return secrets.map(revisionFromSecret).filter((r): r is RevisionRecord => r !== undefined);
}

export function createReleaseObserver(core: () => CoreV1Api): ReleaseObserver {
  const inNamespace = (namespace: string, selector: string) =>
    allPages(`in namespace ${namespace}`, (cont) =>
      core().listNamespacedSecret({
        namespace,
        labelSelector: selector,
        limit: PAGE,
        ...(cont ? { _continue: cont } : {}),
      }),
    );
  const latestSecret = async (name: string, namespace: string) => {
    const secrets = await inNamespace(namespace, labelSelector({ owner: 'helm', name }));
    let latest: { secret: V1Secret; revision: number } | undefined;
    for (const secret of secrets) {
      const r = revisionFromSecret(secret);
      if (r && r.name === name && (!latest || r.revision > latest.revision)) latest = { secret, revision: r.revision };
    }
    return latest;
  };
  return {
    async list(namespaces) {
      if (!namespaces || namespaces.length === 0) {
        const all = await allPages('in all namespaces', (cont) =>
          core().listSecretForAllNamespaces({
            labelSelector: HELM_OWNER_SELECTOR,
            limit: PAGE,
            ...(cont ? { _continue: cont } : {}),
          }),
        );
        return latestReleases(records(all));
      }
      const unique = [...new Set(namespaces)];
      const lists = await Promise.all(unique.map((ns) => inNamespace(ns, HELM_OWNER_SELECTOR)));
      return latestReleases(records(lists.flat()));
    },
    async values(name, namespace) {
      const latest = await latestSecret(name, namespace);
      const data = latest?.secret.data?.release;
      if (!latest || !data) return undefined;
      return decodeReleasePayload(data).config ?? {};
    },
    async latest(name, namespace) {
      const latest = await latestSecret(name, namespace);
      const data = latest?.secret.data?.release;
      if (!latest || !data) return undefined;
      const release = decodeReleasePayload(data);
      return {
        revision: latest.revision,
        secret: latest.secret.metadata?.name ?? '',
        manifest: release.manifest ?? '',
        testHooks: hasTestHooks(release),
      };
    },
  };
}
