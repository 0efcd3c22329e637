// The Site and SiteSet controllers on one manager, against a small in-memory API server over
// HTTP (lists answered from memory, watches held open): which collections are listed, and
// that both controllers get their keys from the shared Sites informer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteSet } from '../../operator/api/siteset-types.js';
import { SITESET_LABEL } from '../../operator/api/siteset-types.js';
import type { Site } from '../../operator/api/types.js';
import type { EventSink } from '../../operator/runtime/events.js';
import { memoryLogger } from '../../operator/runtime/log.js';
import { createManager, type Manager } from '../../operator/runtime/manager.js';
import { createMetrics } from '../../operator/runtime/metrics.js';
import { siteController } from '../../operator/site-controller.js';
import { registerSiteSetController, siteSetKeysForSite } from './controller.js';
import type { SiteSetWriter } from './reconcile.js';
import { siteSet } from './test-fixtures.js';

const nullSink: EventSink = { create: async (_ns, e) => e, replace: async (_ns, _n, e) => e };

function site(name: string, labels: Record<string, string> = {}): Site {
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name, namespace: 'fleet', uid: `uid-${name}`, resourceVersion: '5', generation: 1, labels },
    spec: { source: { inline: { documents: [] } } },
  } as Site;
}

/** Lists from `items` by path; every watch held open. Records "path?labelSelector" of each list. */
async function fakeApi(items: Record<string, unknown[]>) {
  const lists: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (url.searchParams.get('watch')) {
      res.write('');
      return;
    }
    lists.push(`${url.pathname}?${url.searchParams.get('labelSelector') ?? ''}`);
    res.end(
      JSON.stringify({
        kind: 'List',
        apiVersion: 'v1',
        metadata: { resourceVersion: '10' },
        items: items[url.pathname] ?? [],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return { kc, lists, close };
}

const SITES = '/apis/slipway.dev/v1alpha1/sites';
const SITESETS = '/apis/slipway.dev/v1alpha1/sitesets';

describe('registerSiteSetController beside the Site controller', () => {
  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  const setUp = async (labelSelector?: string) => {
    const api = await fakeApi({
      [SITES]: [site('a', { [SITESET_LABEL]: 'edge' }), site('solo')],
      [SITESETS]: [siteSet()],
    });
    cleanup.push(api.close);
    const mgr: Manager = createManager({
      kubeconfig: api.kc,
      metricsBindAddress: '0',
      healthBindAddress: '0',
      handleSignals: false,
      onExit: () => undefined,
      eventSink: nullSink,
      metrics: createMetrics({ processMetrics: false }),
      log: memoryLogger().log,
    });
    cleanup.push(() => mgr.stop());
    const siteKeys: string[] = [];
    // The Site controller's own watches; its reconcile replaced by a recorder.
    mgr.addController({
      ...siteController({ ...(labelSelector ? { labelSelector } : {}), deps: {} as never }),
      reconcile: async (key) => void siteKeys.push(key),
    });
    const statuses: string[] = [];
    const applied: string[] = [];
    const writer: SiteSetWriter = {
      applySite: async (s) => void applied.push(s.metadata.name),
      deleteSite: async () => undefined,
      releaseSite: async () => undefined,
      patchStatus: async (set: SiteSet) => void statuses.push(`${set.metadata.namespace}/${set.metadata.name}`),
    };
    const sets = registerSiteSetController(mgr, {
      ...(labelSelector ? { labelSelector } : {}),
      writer,
      reader: { readSecret: async () => undefined, readConfigMap: async () => undefined },
    });
    return { api, mgr, sets, siteKeys, statuses, applied };
  };
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('without a shard: one Sites informer for both controllers; each gets its keys', async () => {
    const { api, mgr, siteKeys, statuses, applied } = await setUp();
    expect(mgr.cache.size()).toBe(4); // sites, secrets, configmaps, sitesets
    await mgr.start();
    await until(() => siteKeys.length >= 2 && statuses.length >= 1);
    expect(siteKeys.sort()).toEqual(['fleet/a', 'fleet/solo']);
    expect(statuses).toContain('fleet/edge');
    expect(applied.length).toBeGreaterThan(0); // the SiteSet reconciled through the manager
    expect(api.lists.filter((l) => l.startsWith(`${SITES}?`))).toEqual([`${SITES}?`]);
    expect(api.lists.filter((l) => l.startsWith(`${SITESETS}?`))).toEqual([`${SITESETS}?`]);
    expect(mgr.ready()).toBe(true);
    expect(mgr.controller('siteset')?.running()).toBe(true);
  });

  it('with a shard: the Site controller lists its shard, the SiteSet controller every Site and its shard of SiteSets', async () => {
    const shard = 'sharding.slipway.dev/key=s1';
    const { api, mgr, siteKeys, statuses } = await setUp(shard);
    expect(mgr.cache.size()).toBe(5);
    await mgr.start();
    await until(() => siteKeys.length >= 2 && statuses.length >= 1);
    expect(api.lists.filter((l) => l.startsWith(`${SITES}?`)).sort()).toEqual([`${SITES}?`, `${SITES}?${shard}`]);
    expect(api.lists.filter((l) => l.startsWith(`${SITESETS}?`))).toEqual([`${SITESETS}?${shard}`]);
    expect(statuses).toContain('fleet/edge');
  });
});

describe('siteSetKeysForSite', () => {
  const labelled = (set: string) => site('a', { [SITESET_LABEL]: set });
  it('a Site no SiteSet labels or owns gives no key, whatever changed', () => {
    expect(siteSetKeysForSite(site('solo'))).toEqual([]);
    const changed = site('solo');
    changed.metadata.generation = 2;
    expect(siteSetKeysForSite(changed, site('solo'))).toEqual([]);
  });

  it("a generated Site's add, delete and rollout-relevant update give its SiteSet's key", () => {
    expect(siteSetKeysForSite(labelled('edge'))).toEqual(['fleet/edge']);
    const owned = site('b');
    owned.metadata.ownerReferences = [
      { apiVersion: 'slipway.dev/v1alpha1', kind: 'SiteSet', name: 'core', uid: 'u', controller: true },
    ];
    expect(siteSetKeysForSite(owned)).toEqual(['fleet/core']);
    const ready = labelled('edge');
    ready.status = {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: '' }],
    };
    expect(siteSetKeysForSite(ready, labelled('edge'))).toEqual(['fleet/edge']);
  });

  it('an update that moved nothing a rollout looks at gives no key; a label moved gives both SiteSets', () => {
    const progressed = labelled('edge');
    progressed.metadata.resourceVersion = '6';
    progressed.status = { workflow: { step: 2 } } as never;
    expect(siteSetKeysForSite(progressed, labelled('edge'))).toEqual([]);
    expect(siteSetKeysForSite(labelled('core'), labelled('edge')).sort()).toEqual(['fleet/core', 'fleet/edge']);
    const released = site('a');
    expect(siteSetKeysForSite(released, labelled('edge'))).toEqual(['fleet/edge']);
  });
});
