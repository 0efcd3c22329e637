// How a release spec's digest is stored with the release: as a Helm *custom label*
// (`helm install|upgrade --labels slipway.dev/digest=<value>`, Helm v3.13+). Helm keeps
// custom labels on its release Secret next to its own (name, owner, status, version),
// merges them on upgrade and copies them from the target revision on rollback, so the
// label of the latest revision always names what that revision deployed.
//
// A label value must be at most 63 characters of [A-Za-z0-9._-], starting and ending
// alphanumeric. A digest that already fits is stored unchanged (ObservedRelease.digest ===
// spec.digest); one that does not (a 64-character sha256 hex, or "sha256:<hex>") is stored
// as the first 63 hex characters of its own sha256. Compare with `digestMatches`.
import { createHash } from 'node:crypto';

export const DIGEST_LABEL = 'slipway.dev/digest';

/**
 * The revision number Slipway stamps on the release Secret of a revision it made (after a
 * successful install, upgrade or rollback). Helm carries custom labels over to the next
 * revision, so a revision made by hand carries another number: that is how a hand-run
 * `helm upgrade` or `helm rollback` is seen although the digest label came along.
 */
export const APPLIED_REVISION_LABEL = 'slipway.dev/revision';

/**
 * On releases Slipway installs (always server-side: `--server-side=true`). Helm carries the
 * label over to every later revision, so an upgrade can tell a release that applies
 * server-side (where the API server checks every object against its schema) from one that
 * another tool installed with client-side apply, whose upgrades Helm keeps client-side.
 */
export const SERVER_SIDE_LABEL = 'slipway.dev/server-side';

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

export function isValidLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** The label value Helm stores for this digest. */
export function digestLabelValue(digest: string): string {
  if (isValidLabelValue(digest)) return digest;
  return createHash('sha256').update(digest).digest('hex').slice(0, 63);
}

/** Whether an observed release's stored digest label names this spec digest. */
export function digestMatches(observedDigest: string | undefined, specDigest: string): boolean {
  return observedDigest !== undefined && observedDigest === digestLabelValue(specDigest);
}
