import { describe, expect, it } from 'vitest';
import { leaseName, SHARD_LABEL, shardFor, shardKeyProblem, watchSelector } from './sharding.js';

describe('sharding', () => {
  it('builds the watch selector from the shard and any selector given', () => {
    expect(watchSelector({})).toBeUndefined();
    expect(watchSelector({ shard: 'a' })).toBe(`${SHARD_LABEL}=a`);
    expect(watchSelector({ labelSelector: `!${SHARD_LABEL}` })).toBe(`!${SHARD_LABEL}`);
    expect(watchSelector({ shard: 'a', labelSelector: 'env=prod' })).toBe(`${SHARD_LABEL}=a,env=prod`);
  });

  it('gives each shard its own Lease', () => {
    expect(leaseName('slipway-controller')).toBe('slipway-controller');
    expect(leaseName('slipway-controller', 'shard1')).toBe('slipway-controller-shard1');
  });

  it('refuses shard keys that cannot be label values', () => {
    expect(shardKeyProblem('shard-1')).toBeUndefined();
    for (const bad of ['', '-a', 'a b', 'x'.repeat(64), 'a=b', 'a,b']) expect(shardKeyProblem(bad)).toBeDefined();
  });

  it('spreads 1,000 sites over 3 shards stably and roughly evenly', () => {
    const shards = ['s1', 's2', 's3'];
    const names = Array.from({ length: 1000 }, (_, i) => `edge-${i}`);
    const counts = new Map<string, number>();
    for (const n of names) counts.set(shardFor(n, shards)!, (counts.get(shardFor(n, shards)!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(shards);
    for (const c of counts.values()) expect(c).toBeGreaterThan(250);
    expect(names.map((n) => shardFor(n, shards))).toEqual(names.map((n) => shardFor(n, [...shards])));
    expect(shardFor('edge-1', [])).toBeUndefined();
  });
});
