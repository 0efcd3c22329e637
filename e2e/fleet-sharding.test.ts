// Sharding end to end (real kube-apiserver, real helm): three controller processes — two shards
// with their own Leases and the unsharded one — and a SiteSet whose spec.shards spreads its
// Sites over the two shards. Each Site is applied only by the controller of its shard label,
// the SiteSet only by the unsharded controller, and every Site reaches Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../controller/operator/api/types.js';
import { SHARD_LABEL, shardFor } from '../controller/operator/sharding.js';
import {
  applyCrds,
  applyObject,
  type ControllerProcess,
  cleanUp,
  createNamespace,
  elements,
  kubectl,
  listSites,
  siteReady,
  siteSetObject,
  startController,
  templateDocuments,
  waitFor,
} from './fleet-harness.js';

const SHARDS = ['shard-1', 'shard-2'];
let ns = '';
const controllers = new Map<string, ControllerProcess>();

describe('sharded controllers', () => {
  beforeAll(() => {
    applyCrds();
    ns = createNamespace('fleet-shard-e2e');
    const le = (id: string) => ['--leader-elect', '--leader-election-namespace', ns, '--leader-election-id', id];
    controllers.set('main', startController(ns, {}, [...le('shard-e2e'), '--watch-label-selector', `!${SHARD_LABEL}`]));
    for (const key of SHARDS) controllers.set(key, startController(ns, {}, [...le('shard-e2e'), '--shard', key]));
  });
  afterAll(async () => {
    const main = controllers.get('main');
    // The shard controllers remove their Sites' finalizers: they stop after the clean-up.
    if (ns) await cleanUp(ns, main);
    for (const key of SHARDS) await controllers.get(key)?.stop();
  });

  it('spreads a SiteSet over two shards; each Site is applied by its shard only', async () => {
    const n = 6;
    applyObject(
      siteSetObject('spread', ns, {
        shards: SHARDS,
        generators: [{ list: { elements: elements(n) } }],
        template: { spec: { source: { inline: { documents: templateDocuments({ releaseNamespace: ns }) } } } },
      }),
    );
    const sites = await waitFor(
      `${n} Sites Ready`,
      async () => {
        const all = await listSites(ns);
        return all.length === n && all.every(siteReady) ? all : false;
      },
      240_000,
      1_000,
    );
    const shardOf = (s: Site) => s.metadata.labels?.[SHARD_LABEL];
    for (const s of sites) expect(shardOf(s)).toBe(shardFor(s.spec.siteName ?? '', SHARDS));
    expect(new Set(sites.map(shardOf))).toEqual(new Set(SHARDS));

    const appliedBy = (c: ControllerProcess) =>
      new Set(c.logs.filter((l) => l.msg === 'applied').map((l) => String(l.site).split('/')[1]));
    // Status says Ready just before the controller logs 'applied': wait for the log lines.
    for (const key of SHARDS) {
      const mine = sites
        .filter((s) => shardOf(s) === key)
        .map((s) => s.metadata.name)
        .sort();
      const logged = await waitFor(
        `${key} logs 'applied' for its Sites`,
        async () => (appliedBy(controllers.get(key)!).size >= mine.length ? appliedBy(controllers.get(key)!) : false),
        30_000,
        200,
      ).catch(() => appliedBy(controllers.get(key)!));
      expect([...logged].sort()).toEqual(mine);
    }
    expect(appliedBy(controllers.get('main')!).size).toBe(0);
    // The SiteSet carries no shard label: only the unsharded controller generated its Sites.
    const updaters = [...controllers.entries()]
      .filter(([, c]) => c.logs.some((l) => l.controller === 'siteset' && l.msg === 'updating sites'))
      .map(([k]) => k);
    expect(updaters).toEqual(['main']);
    // One Lease per shard, and the unsharded controller's own.
    const leases = kubectl(['-n', ns, 'get', 'leases', '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').sort();
    expect(leases).toEqual(['shard-e2e', 'shard-e2e-shard-1', 'shard-e2e-shard-2']);
  });
});
