// Sharding, as Flux does it: each controller replica set reconciles only the Sites and SiteSets
// whose shard label it owns (`--shard KEY` → label selector `sharding.slipway.dev/key=KEY`, one
// Lease per shard); the unsharded controller takes what carries no shard label
// (`--watch-label-selector '!sharding.slipway.dev/key'`). A SiteSet with `spec.shards` spreads
// the Sites it generates over those shards. Pure.

import { createHash } from 'node:crypto';

export const SHARD_LABEL = 'sharding.slipway.dev/key';

/** A label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function shardKeyProblem(key: string): string | undefined {
  return LABEL_VALUE.test(key) ? undefined : `shard key '${key}' is not a Kubernetes label value`;
}

/** The label selector a controller watches with: its shard's, and/or the one it was given. */
export function watchSelector(options: { shard?: string; labelSelector?: string }): string | undefined {
  const parts = [
    ...(options.shard ? [`${SHARD_LABEL}=${options.shard}`] : []),
    ...(options.labelSelector ? [options.labelSelector] : []),
  ];
  return parts.length ? parts.join(',') : undefined;
}

/** Each shard elects its own leader: the Lease name gets the shard key. */
export function leaseName(id: string, shard?: string): string {
  return shard ? `${id}-${shard}` : id;
}

/** The shard of a generated site: stable for a name and a list of shards (a hash, not the order of sites). */
export function shardFor(siteName: string, shards: readonly string[]): string | undefined {
  if (shards.length === 0) return undefined;
  const n = createHash('sha256').update(siteName).digest().readUInt32BE(0);
  return shards[n % shards.length];
}
