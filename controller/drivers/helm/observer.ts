// What Helm actually stored, read straight from its release Secrets through the
// Kubernetes API: no helm process. list() needs only the Secrets' labels (status,
// version, digest, timestamps); values() decodes the latest revision's payload.
// list() also keeps the latest Secret of each release it saw (for LISTED_MAX_AGE_MS):
// latestListed() answers from it without another API call (drift observation right after a
// list), and a release's payload is decoded once per Secret (uid + resourceVersion). An
// action on a release (install, upgrade, ...) forgets what was listed of it.
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

/** The latest revision of a release: its number, Secret (name, uid), manifest (hooks excluded). */
export interface LatestRevision {
  revision: number;
  secret: string;
  /** The Secret's uid: a revision number can come back after an uninstall, a uid cannot. */
  uid: string;
  manifest: string;
  testHooks: boolean;
}

export interface ReleaseObserver {
  list(namespaces?: string[]): Promise<ObservedRelease[]>;
  values(name: string, namespace: string): Promise<JsonObject | undefined>;
  /** The latest revision, read now. */
  latest(name: string, namespace: string): Promise<LatestRevision | undefined>;
  /** The latest revision as the last list() saw it, when that was recent; else latest(). */
  latestListed(name: string, namespace: string): Promise<LatestRevision | undefined>;
  /** Forget what list() saw of a release (an action is changing it). */
  forget(name: string, namespace: string): void;
}

const PAGE = 500;
/** How long a listed Secret answers latestListed(): one observe pass, not a resync interval. */
export const LISTED_MAX_AGE_MS = 30_000;
const MAX_DECODED = 5_000;

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

interface LatestSecret {
  secret: V1Secret;
  revision: number;
}

/** The Secret of each release's highest revision, by `namespace/name`. */
function latestByRelease(secrets: V1Secret[]): Map<string, LatestSecret> {
  const out = new Map<string, LatestSecret>();
  for (const secret of secrets) {
    const r = revisionFromSecret(secret);
    if (!r) continue;
    const key = `${r.namespace}/${r.name}`;
    const seen = out.get(key);
    if (!seen || r.revision > seen.revision) out.set(key, { secret, revision: r.revision });
  }
  return out;
}

export function createReleaseObserver(
  core: () => CoreV1Api,
  now: () => number = () => performance.now(),
): ReleaseObserver {
  let listed = new Map<string, LatestSecret>();
  let listedAt = Number.NEGATIVE_INFINITY;
  const decoded = new Map<string, { manifest: string; testHooks: boolean }>();
  const describe = (secret: V1Secret, revision: number): LatestRevision | undefined => {
    const data = secret.data?.release;
    if (!data) return undefined;
    const key = `${secret.metadata?.uid ?? ''}@${secret.metadata?.resourceVersion ?? ''}`;
    let d = key.length > 1 ? decoded.get(key) : undefined;
    if (!d) {
      const release = decodeReleasePayload(data);
      d = { manifest: release.manifest ?? '', testHooks: hasTestHooks(release) };
      if (decoded.size >= MAX_DECODED) decoded.clear();
      if (key.length > 1) decoded.set(key, d);
    }
    return { revision, secret: secret.metadata?.name ?? '', uid: secret.metadata?.uid ?? '', ...d };
  };
  /** What a list saw replaces what was known of those namespaces (all of them: undefined). */
  const remember = (secrets: V1Secret[], namespaces: string[] | undefined) => {
    const latest = latestByRelease(secrets);
    if (!namespaces) listed = latest;
    else {
      const prefixes = namespaces.map((ns) => `${ns}/`);
      for (const k of [...listed.keys()]) if (prefixes.some((p) => k.startsWith(p))) listed.delete(k);
      for (const [k, v] of latest) listed.set(k, v);
    }
    listedAt = now();
  };
  const inNamespace = (namespace: string, selector: string) =>
    allPages(`in namespace ${namespace}`, (cont) =>
      core().listNamespacedSecret({
        namespace,
        labelSelector: selector,
        limit: PAGE,
        ...(cont ? { _continue: cont } : {}),
      }),
    );
  const latestSecret = async (name: string, namespace: string) =>
    latestByRelease(await inNamespace(namespace, labelSelector({ owner: 'helm', name }))).get(`${namespace}/${name}`);
  const observer: ReleaseObserver = {
    async list(namespaces) {
      if (!namespaces || namespaces.length === 0) {
        const all = await allPages('in all namespaces', (cont) =>
          core().listSecretForAllNamespaces({
            labelSelector: HELM_OWNER_SELECTOR,
            limit: PAGE,
            ...(cont ? { _continue: cont } : {}),
          }),
        );
        remember(all, undefined);
        return latestReleases(records(all));
      }
      const unique = [...new Set(namespaces)];
      const lists = await Promise.all(unique.map((ns) => inNamespace(ns, HELM_OWNER_SELECTOR)));
      remember(lists.flat(), unique);
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
      return latest ? describe(latest.secret, latest.revision) : undefined;
    },
    async latestListed(name, namespace) {
      const seen = now() - listedAt <= LISTED_MAX_AGE_MS ? listed.get(`${namespace}/${name}`) : undefined;
      return seen ? describe(seen.secret, seen.revision) : observer.latest(name, namespace);
    },
    forget(name, namespace) {
      listed.delete(`${namespace}/${name}`);
    },
  };
  return observer;
}
