// Helm's release Secrets, read as Helm stores them (helm pkg/storage/driver/secrets.go):
// one Secret `sh.helm.release.v1.<name>.v<revision>` per revision, type
// helm.sh/release.v1, labels owner=helm, name, status, version, createdAt (set on
// create) or modifiedAt (set on update, unix seconds), plus the custom labels given with
// --labels; data.release is base64(gzip(JSON release)) — and the API returns Secret data
// base64-encoded once more. Pure functions; the I/O is in ./observer.ts.
import { gunzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import type { JsonObject } from '../../documents/types.js';
import type { ObservedRelease, ReleaseStatus } from '../types.js';
import { APPLIED_REVISION_LABEL, DIGEST_LABEL, SERVER_SIDE_LABEL } from './digest-label.js';

export const HELM_OWNER_SELECTOR = 'owner=helm';

/** One stored revision, from the Secret's labels alone (no payload decoding). */
export type RevisionRecord = Omit<ObservedRelease, 'lastDeployedRevision'>;

/** The part of Helm's stored release JSON Slipway reads. */
export interface StoredRelease {
  name?: string;
  namespace?: string;
  version?: number;
  config?: JsonObject;
  /** The rendered objects (hooks excluded), as one multi-document YAML string. */
  manifest?: string;
  info?: { status?: string; description?: string; last_deployed?: string };
  /** The chart's hooks as Helm stored them; `events` holds e.g. "pre-install", "test". */
  hooks?: { name?: string; events?: string[] }[];
}

/** Helm's event of a test hook (`helm.sh/hook: test`, or the older `test-success`, is stored as "test"). */
const TEST_EVENTS = new Set(['test', 'test-success']);

/** Whether a stored release has a hook `helm test` would run. Pure. */
export function hasTestHooks(release: StoredRelease): boolean {
  return (release.hooks ?? []).some((h) => (h.events ?? []).some((e) => TEST_EVENTS.has(e)));
}

const STATUSES: readonly ReleaseStatus[] = [
  'deployed',
  'failed',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
  'uninstalling',
  'superseded',
  'uninstalled',
  'unknown',
];

export function parseStatus(text: string | undefined): ReleaseStatus {
  return STATUSES.includes(text as ReleaseStatus) ? (text as ReleaseStatus) : 'unknown';
}

function unixToIso(text: string | undefined): string | undefined {
  if (!text || !/^\d+$/.test(text)) return undefined;
  return new Date(Number(text) * 1000).toISOString();
}

/** A revision from a Secret's labels, or undefined when it is not a Helm release Secret. */
export function revisionFromSecret(secret: V1Secret): RevisionRecord | undefined {
  const labels = secret.metadata?.labels ?? {};
  const name = labels.name;
  const revision = Number(labels.version);
  if (labels.owner !== 'helm' || !name || !Number.isInteger(revision) || revision < 1) return undefined;
  const record: RevisionRecord = {
    name,
    namespace: secret.metadata?.namespace ?? '',
    revision,
    status: parseStatus(labels.status),
  };
  const digest = labels[DIGEST_LABEL];
  if (digest) record.digest = digest;
  const applied = Number(labels[APPLIED_REVISION_LABEL]);
  if (labels[APPLIED_REVISION_LABEL] && Number.isInteger(applied)) record.appliedRevision = applied;
  if (labels[SERVER_SIDE_LABEL] === 'true') record.serverSide = true;
  const updatedAt = unixToIso(labels.modifiedAt) ?? unixToIso(labels.createdAt);
  if (updatedAt) record.updatedAt = updatedAt;
  return record;
}

/**
 * The latest revision of every release, with the last revision that was deployed
 * (status deployed or superseded; the latest itself when it is deployed). Pure.
 */
export function latestReleases(records: readonly RevisionRecord[]): ObservedRelease[] {
  const byRelease = new Map<string, RevisionRecord[]>();
  for (const r of records) {
    const key = `${r.namespace}/${r.name}`;
    const list = byRelease.get(key);
    if (list) list.push(r);
    else byRelease.set(key, [r]);
  }
  const out: ObservedRelease[] = [];
  for (const revisions of byRelease.values()) {
    revisions.sort((a, b) => b.revision - a.revision);
    const latest = revisions[0]!;
    const observed: ObservedRelease = {
      name: latest.name,
      namespace: latest.namespace,
      revision: latest.revision,
      status: latest.status,
    };
    if (latest.digest !== undefined) observed.digest = latest.digest;
    if (latest.updatedAt !== undefined) observed.updatedAt = latest.updatedAt;
    if (latest.appliedRevision !== undefined) observed.appliedRevision = latest.appliedRevision;
    const deployed = revisions.find((r) => r.status === 'deployed' || r.status === 'superseded');
    if (deployed) observed.lastDeployedRevision = deployed.revision;
    out.push(observed);
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/**
 * Helm's stored release from a Secret's `data.release` as the API returns it
 * (base64 of Helm's base64 of gzip'd JSON). Throws on a payload that is not one.
 */
export function decodeReleasePayload(apiData: string): StoredRelease {
  const helmText = Buffer.from(apiData, 'base64').toString('latin1');
  let bytes = Buffer.from(helmText, 'base64');
  if (bytes.length > 3 && GZIP_MAGIC.every((b, i) => bytes[i] === b)) bytes = gunzipSync(bytes);
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('release payload is not a JSON object');
  return parsed as StoredRelease;
}
