// What drift observation can keep between two looks at a release, both keyed by what makes
// them what they are:
//   manifests  a revision's objects as Helm applies them, per release Secret uid +
//              resourceVersion (the manifest of a stored revision never changes);
//   dry runs   the server-side apply dry run of one manifest object over one live object, per
//              (revision Secret uid, object, live uid, live resourceVersion): the same manifest over
//              the same live object gives the same result, so only a changed live object (or a
//              new revision) costs an apply call. An entry is used for at most DRY_RUN_MAX_AGE_MS,
//              so what the API server does at apply (defaults, webhooks) is asked again that often.
// Pure bookkeeping: no I/O; the clock is injected.
import type { JsonObject } from '../../documents/types.js';

export const DRY_RUN_MAX_AGE_MS = 5 * 60_000;
const MAX_ENTRIES = 20_000;

export interface DriftCache {
  manifest(secretKey: string, make: () => JsonObject[]): JsonObject[];
  dryRun(key: string): JsonObject | undefined;
  rememberDryRun(key: string, applied: JsonObject): void;
}

export function createDriftCache(now: () => number = () => performance.now()): DriftCache {
  const manifests = new Map<string, JsonObject[]>();
  const dryRuns = new Map<string, { applied: JsonObject; at: number }>();
  return {
    manifest(secretKey, make) {
      let objects = manifests.get(secretKey);
      if (!objects) {
        objects = make();
        if (manifests.size >= MAX_ENTRIES) manifests.clear();
        manifests.set(secretKey, objects);
      }
      return objects;
    },
    dryRun(key) {
      const hit = dryRuns.get(key);
      if (!hit) return undefined;
      if (now() - hit.at > DRY_RUN_MAX_AGE_MS) {
        dryRuns.delete(key);
        return undefined;
      }
      return hit.applied;
    },
    rememberDryRun(key, applied) {
      if (dryRuns.size >= MAX_ENTRIES) dryRuns.clear();
      dryRuns.set(key, { applied, at: now() });
    },
  };
}

/** The dry run's key: the revision, the object, and the live object's identity and version. */
export function dryRunKey(
  revisionUid: string,
  ref: { apiVersion: string; kind: string; namespace?: string; name: string },
  live: { metadata?: { uid?: string; resourceVersion?: string } },
): string | undefined {
  const uid = live.metadata?.uid;
  const rv = live.metadata?.resourceVersion;
  if (!revisionUid || !uid || !rv) return undefined;
  return [revisionUid, ref.apiVersion, ref.kind, ref.namespace ?? '', ref.name, uid, rv].join('|');
}
