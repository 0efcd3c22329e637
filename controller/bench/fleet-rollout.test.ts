import { describe, expect, it } from 'vitest';
import { generateSites } from '../fleet/siteset/generate.js';
import { SHARD_LABEL } from '../operator/sharding.js';
import { type FleetRun, targetLines } from './fleet-rollout-report.js';
import { fleetSiteSet, macFor } from './fleet-siteset.js';

describe('the fleet benchmark SiteSet', () => {
  const options = { name: 'ran', namespace: 'ns', sites: 30, prefix: 'fbx', shards: ['a', 'b', 'c'], version: '1' };
  const set = fleetSiteSet(options);
  const generated = generateSites(set);

  it('generates one Site per element, every one over one of the 3 shards, all 3 used', () => {
    expect(generated.problems).toEqual([]);
    expect(generated.sites).toHaveLength(30);
    const shards = new Set(generated.sites.map((s) => s.labels[SHARD_LABEL]));
    expect(shards).toEqual(new Set(['a', 'b', 'c']));
    expect(set.metadata.labels?.[SHARD_LABEL]).toBe('a');
  });

  it('gives each Site its own node name and MAC, and 3 releases', () => {
    const hosts = generated.sites.map((s) => {
      const docs = s.spec.source.inline!.documents as { schema: string; data: Record<string, unknown> }[];
      expect(docs.filter((d) => d.schema === 'armada/Chart/v1')).toHaveLength(3);
      return docs.find((d) => d.schema === 'slipway/BaremetalHost/v1')!.data as {
        node: string;
        bootMACAddress: string;
      };
    });
    expect(new Set(hosts.map((h) => h.node)).size).toBe(30);
    expect(new Set(hosts.map((h) => h.bootMACAddress)).size).toBe(30);
    expect(hosts[0]).toMatchObject({ node: 'fbx-s00001-node', bootMACAddress: macFor('fbx-s00001-node') });
  });

  it('puts more than 5,000 sites in several list generators (the CRD allows 5,000 per list)', () => {
    const big = fleetSiteSet({ ...options, sites: 12_000 });
    expect(big.spec.generators.map((g) => g.list!.elements.length)).toEqual([5000, 5000, 2000]);
    expect(big.spec.generators[2]!.list!.elements[1999]!.siteName).toBe('fbx-s12000');
  });

  it('a new version is a new revision', () => {
    const next = fleetSiteSet({ ...options, version: '2' });
    expect(generateSites(next).revision).not.toBe(generated.revision);
  });
});

describe('fleet targets', () => {
  const run = (sites: number, readySeconds: number, peak = 150): FleetRun => ({
    drivers: 'real',
    sites,
    shards: 3,
    workers: 4,
    readySeconds,
    createWaves: [],
    changeWaves: [],
    changeSeconds: 10,
    replicaPeakMiB: [peak, peak, peak],
    apiServerPeakMiB: 400,
    etcdPeakMiB: 60,
    cpu: { controllers: 1, helm: 1, apiServer: 1, etcd: 1, ironic: 1 },
    checks: [],
    loadavg: '1 1 1',
  });

  it('judges the growth from 100 to 1,000 against 11x', () => {
    expect(targetLines([run(100, 60), run(1000, 600)]).find((l) => l.includes('fleet_scaling'))).toMatch(/ OK$/);
    expect(targetLines([run(100, 60), run(1000, 700)]).find((l) => l.includes('fleet_scaling'))).toMatch(/MISSED$/);
  });

  it('judges 1,000 Ready in 15 minutes and 200 MiB per replica', () => {
    const lines = targetLines([run(1000, 901, 201)]);
    expect(lines.find((l) => l.startsWith('target fleet_ready'))).toMatch(/MISSED$/);
    expect(lines.find((l) => l.startsWith('target fleet_replica_rss'))).toMatch(/MISSED$/);
    expect(targetLines([run(1000, 899, 199)]).every((l) => l.endsWith(' OK'))).toBe(true);
  });
});
