import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import type { EventSink } from './events.js';
import type { ListWatchSource, WatchEvent } from './kube-http.js';
import type { LeaseRecord, LeaseStore, StoredLease } from './leader-election.js';
import { memoryLogger } from './log.js';
import { createManager, type ManagerExit, specOrMetadataChanged, startManager } from './manager.js';
import { createMetrics } from './metrics.js';

type Obj = KubernetesObject & { spec?: { configMap?: string }; status?: unknown };

/** A collection that can be changed while watched. */
class Collection implements ListWatchSource<Obj> {
  objs = new Map<string, Obj>();
  rv = 1;
  private emit: ((e: WatchEvent<Obj>) => void) | undefined;

  set(name: string, patch: Partial<Obj> = {}, generation = 1): void {
    const obj: Obj = { metadata: { namespace: 'ns', name, resourceVersion: String(++this.rv), generation }, ...patch };
    const type = this.objs.has(name) ? 'MODIFIED' : 'ADDED';
    this.objs.set(name, obj);
    this.emit?.({ type, object: obj });
  }

  async list() {
    return { items: [...this.objs.values()], resourceVersion: String(this.rv) };
  }

  watch(_rv: string, onEvent: (e: WatchEvent<Obj>) => void, signal: AbortSignal): Promise<void> {
    this.emit = onEvent;
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  }
}

const nullSink: EventSink = {
  create: async (_ns, e) => e,
  replace: async (_ns, _n, e) => e,
};

function leaseServer() {
  let lease: StoredLease | undefined;
  let rv = 0;
  return (): LeaseStore => ({
    description: 'ns/slipway',
    get: async () => lease && structuredClone(lease),
    create: async (record: LeaseRecord) => {
      if (lease) throw Object.assign(new Error('exists'), { code: 409 });
      lease = { record, resourceVersion: String(++rv) };
      return structuredClone(lease);
    },
    update: async (record: LeaseRecord, v: string) => {
      if (lease?.resourceVersion !== v) throw Object.assign(new Error('conflict'), { code: 409 });
      lease = { record, resourceVersion: String(++rv) };
      return structuredClone(lease);
    },
  });
}

const emptyKubeConfig = () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  return kc;
};

describe('startManager', () => {
  it('maps watched objects to Site keys, reconciles, serves probes and metrics, stops cleanly', async () => {
    const sites = new Collection();
    const configMaps = new Collection();
    sites.set('a', { spec: { configMap: 'docs' } });
    sites.set('b');
    const reconciled: string[] = [];
    const exits: ManagerExit[] = [];
    const { log, lines } = memoryLogger();
    const mgr = await startManager({
      kubeconfig: emptyKubeConfig(),
      watches: [
        { name: 'sites', source: sites, filter: specOrMetadataChanged },
        {
          name: 'configmaps',
          source: configMaps,
          map: (cm, ctx) =>
            (ctx.informer<Obj>('sites')?.list() ?? [])
              .filter((s) => s.spec?.configMap === cm.metadata?.name)
              .map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
        },
      ],
      reconcile: async (key, ctx) => {
        reconciled.push(key);
        ctx.log.info('reconciling', { revision: 'r1' });
      },
      metricsBindAddress: '127.0.0.1:0',
      healthBindAddress: '127.0.0.1:0',
      handleSignals: false,
      onExit: (e) => exits.push(e),
      eventSink: nullSink,
      metrics: createMetrics({ processMetrics: false }),
      log,
    });
    for (let i = 0; i < 50 && reconciled.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(reconciled.sort()).toEqual(['ns/a', 'ns/b']);
    expect(mgr.isLeader()).toBe(true);
    expect(mgr.ready()).toBe(true);
    const line = lines.find((l) => l.msg === 'reconciling');
    expect(line).toMatchObject({ site: 'ns/a', revision: 'r1', controller: 'site' });

    reconciled.length = 0;
    configMaps.set('docs');
    configMaps.set('unrelated');
    sites.set('b', { status: { ready: true } }); // status only: filtered out
    sites.set('b', {}, 2); // spec change
    for (let i = 0; i < 50 && reconciled.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(reconciled.sort()).toEqual(['ns/a', 'ns/b']);

    const health = mgr.healthUrl() as string;
    expect(health).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${health}/healthz`)).status).toBe(200);
    expect((await fetch(`${health}/readyz`)).status).toBe(200);
    expect(mgr.metricsUrl()).toBe(health);
    const text = await (await fetch(`${mgr.metricsUrl()}/metrics`)).text();
    expect(text).toContain('controller_runtime_reconcile_total{controller="site",result="success"} 4');

    expect(await mgr.stop()).toEqual({ reason: 'stopped', code: 0 });
    expect(exits).toEqual([{ reason: 'stopped', code: 0 }]);
    await expect(fetch(`${health}/healthz`)).rejects.toThrow();
  });

  it('with leader election only the leader reconciles; a released lease passes to the standby', async () => {
    const store = leaseServer();
    const sites = new Collection();
    sites.set('a');
    const clock = new FakeClock();
    const calls: string[] = [];
    const make = (id: string) =>
      startManager({
        kubeconfig: emptyKubeConfig(),
        watches: [{ name: 'sites', source: sites }],
        reconcile: async (key) => void calls.push(`${id} ${key}`),
        leaderElection: { namespace: 'ns', name: 'slipway', identity: id, store: store() },
        metricsBindAddress: '0',
        healthBindAddress: '127.0.0.1:0',
        handleSignals: false,
        onExit: () => undefined,
        eventSink: nullSink,
        metrics: createMetrics({ processMetrics: false }),
        log: memoryLogger().log,
        clock,
      });
    const one = await make('one');
    await clock.advance(100);
    const two = await make('two');
    await clock.advance(5_000);
    expect(one.isLeader()).toBe(true);
    expect(two.isLeader()).toBe(false);
    expect(two.ready()).toBe(true); // standing by is ready
    expect((await fetch(`${two.healthUrl()}/readyz`)).status).toBe(200);
    expect(calls).toEqual(['one ns/a']);
    expect(await one.stop()).toMatchObject({ reason: 'stopped', code: 0 });
    await clock.advance(3_000);
    expect(two.isLeader()).toBe(true);
    await flushPromises();
    expect(calls).toEqual(['one ns/a', 'two ns/a']);
    await two.stop();
  });

  it('losing the lease stops the manager with exit code 1', async () => {
    let fail = false;
    const base = leaseServer()();
    const store: LeaseStore = {
      ...base,
      get: () => (fail ? Promise.reject(new Error('connection refused')) : base.get()),
    };
    const clock = new FakeClock();
    const exits: ManagerExit[] = [];
    const mgr = await startManager({
      kubeconfig: emptyKubeConfig(),
      watches: [{ name: 'sites', source: new Collection() }],
      reconcile: async () => undefined,
      leaderElection: { namespace: 'ns', name: 'slipway', identity: 'x', store },
      metricsBindAddress: '0',
      healthBindAddress: '0',
      handleSignals: false,
      onExit: (e) => exits.push(e),
      eventSink: nullSink,
      metrics: createMetrics({ processMetrics: false }),
      log: memoryLogger().log,
      clock,
    });
    await clock.advance(100);
    expect(mgr.isLeader()).toBe(true);
    fail = true;
    await clock.advance(12_000);
    expect(await mgr.done).toEqual({ reason: 'leadership-lost', code: 1 });
    expect(exits).toHaveLength(1);
  });
});

describe('ResourceRef watches', () => {
  it("list and watch under the manager's namespace unless they name their own", async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      paths.push(url.pathname);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (url.searchParams.get('watch'))
        res.write(''); // hold the watch open
      else res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
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
    const mgr = await startManager({
      kubeconfig: kc,
      namespace: 'infra',
      watches: [
        { name: 'sites', source: { group: 'slipway.dev', version: 'v1alpha1', plural: 'sites' } },
        { name: 'nodes', source: { version: 'v1', plural: 'configmaps', namespace: 'other' } },
      ],
      reconcile: async () => undefined,
      metricsBindAddress: '0',
      healthBindAddress: '0',
      handleSignals: false,
      onExit: () => undefined,
      eventSink: nullSink,
      metrics: createMetrics({ processMetrics: false }),
      log: memoryLogger().log,
    });
    for (let i = 0; i < 100 && paths.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(mgr.ready()).toBe(true);
    await mgr.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect([...new Set(paths)].sort()).toEqual([
      '/api/v1/namespaces/other/configmaps',
      '/apis/slipway.dev/v1alpha1/namespaces/infra/sites',
    ]);
  });
});

describe('a manager hosting two controllers', () => {
  const base = () => ({
    kubeconfig: emptyKubeConfig(),
    metricsBindAddress: '0',
    healthBindAddress: '0',
    handleSignals: false,
    onExit: () => undefined,
    eventSink: nullSink,
    metrics: createMetrics({ processMetrics: false }),
    log: memoryLogger().log,
  });
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('shares one informer between them and gives each controller its own keys, queue and metrics', async () => {
    const sites = new Collection();
    sites.set('a');
    sites.set('b');
    let lists = 0;
    const counted: ListWatchSource<Obj> = {
      list: () => (lists++, sites.list()),
      watch: (rv, on, signal) => sites.watch(rv, on, signal),
    };
    const calls: string[] = [];
    const mgr = createManager({ ...base(), metricsBindAddress: '127.0.0.1:0' });
    const one = mgr.addController({
      name: 'one',
      watches: [{ name: 'sites', source: counted }],
      reconcile: async (key) => void calls.push(`one ${key}`),
    });
    mgr.addController({
      name: 'two',
      watches: [{ name: 'sites', source: counted, map: (o) => [`fleet/${o.metadata?.name}`] }],
      reconcile: async (key, ctx) => {
        // Reads through the same cache the other controller watches.
        expect(ctx.informer<Obj>('sites')?.get(key.split('/')[1] as string, 'ns')).toBeDefined();
        calls.push(`two ${key}`);
      },
    });
    expect(() => mgr.addController({ name: 'one', watches: [], reconcile: async () => undefined })).toThrow(
      'two controllers are named "one"',
    );
    expect(mgr.cache.size()).toBe(1);
    expect(mgr.isLeader()).toBe(false); // nothing runs before start()
    await mgr.start();
    await until(() => calls.length >= 4);
    expect(calls.sort()).toEqual(['one ns/a', 'one ns/b', 'two fleet/a', 'two fleet/b']);
    expect(lists).toBe(1);
    expect(mgr.controller('one')).toBe(one);
    expect(one.running()).toBe(true);

    calls.length = 0;
    sites.set('c');
    await until(() => calls.length >= 2);
    expect(calls.sort()).toEqual(['one ns/c', 'two fleet/c']);
    const text = await (await fetch(`${mgr.metricsUrl()}/metrics`)).text();
    expect(text).toContain('controller_runtime_reconcile_total{controller="one",result="success"} 3');
    expect(text).toContain('controller_runtime_reconcile_total{controller="two",result="success"} 3');
    expect(text).toMatch(/workqueue_adds_total\{name="two",controller="two"\} 3/);
    await mgr.stop();
  });

  it('a watch with delayMs gathers a burst of events into one reconcile of the key', async () => {
    const sites = new Collection();
    const calls: string[] = [];
    const mgr = createManager(base());
    mgr.addController({
      name: 'fleet',
      watches: [{ name: 'sites', source: sites, map: () => ['ns/fleet'], delayMs: 150 }],
      reconcile: async (key) => void calls.push(key),
    });
    await mgr.start();
    for (let i = 0; i < 20; i++) sites.set(`s${i}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toEqual([]); // not yet: the delay runs
    await until(() => calls.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toEqual(['ns/fleet']);
    await mgr.stop();
  });

  it('a controller added after start() starts too; readiness waits for every informer', async () => {
    const sites = new Collection();
    sites.set('a');
    let release!: () => void;
    const slowList = new Promise<void>((r) => (release = r));
    const slow: ListWatchSource<Obj> = {
      list: async () => (await slowList, sites.list()),
      watch: (rv, on, signal) => sites.watch(rv, on, signal),
    };
    const calls: string[] = [];
    const mgr = await startManager({
      ...base(),
      healthBindAddress: '127.0.0.1:0',
      watches: [{ name: 'sites', source: sites }],
      reconcile: async (key) => void calls.push(`site ${key}`),
    });
    await until(() => calls.length >= 1);
    expect(mgr.ready()).toBe(true);
    mgr.addController({
      name: 'late',
      watches: [{ name: 'slow', source: slow }],
      reconcile: async (key) => void calls.push(`late ${key}`),
    });
    await flushPromises();
    expect(mgr.ready()).toBe(false);
    const readyz = await fetch(`${mgr.healthUrl()}/readyz`);
    expect(readyz.status).not.toBe(200);
    expect(await readyz.text()).toContain('not synced: slow');
    expect(calls).toEqual(['site ns/a']); // its workers wait for its informer
    release();
    await until(() => calls.length >= 2);
    expect(calls).toEqual(['site ns/a', 'late ns/a']);
    expect(mgr.ready()).toBe(true);
    await mgr.stop();
  });

  it('stopping drains both: each running reconcile finishes before the manager has stopped', async () => {
    const sites = new Collection();
    sites.set('a');
    const releases: (() => void)[] = [];
    const finished: string[] = [];
    const shutdownSeen: string[] = [];
    const blocking = (name: string) => async (_key: string, ctx: { shutdown: AbortSignal }) => {
      await new Promise<void>((r) => releases.push(r));
      if (ctx.shutdown.aborted) shutdownSeen.push(name);
      finished.push(name);
    };
    const mgr = createManager({ ...base(), shutdownTimeoutMs: 10_000 });
    mgr.addController({ name: 'one', watches: [{ name: 'sites', source: sites }], reconcile: blocking('one') });
    mgr.addController({ name: 'two', watches: [{ name: 'sites', source: sites }], reconcile: blocking('two') });
    await mgr.start();
    await until(() => releases.length >= 2);
    expect(releases).toHaveLength(2);
    let stopped = false;
    const stopping = mgr.stop().then((e) => {
      stopped = true;
      return e;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    releases[0]?.();
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false); // the other controller still runs one
    releases[1]?.();
    expect(await stopping).toEqual({ reason: 'stopped', code: 0 });
    expect(finished.sort()).toEqual(['one', 'two']);
    expect(shutdownSeen.sort()).toEqual(['one', 'two']);
    sites.set('b'); // after stop: nobody reconciles it
    await new Promise((r) => setTimeout(r, 20));
    expect(releases).toHaveLength(2);
    expect(() => mgr.addController({ name: 'three', watches: [], reconcile: async () => undefined })).toThrow(
      'stopping',
    );
  });

  it('leadership gates both: only the leader reconciles in either; the standby takes both over', async () => {
    const store = leaseServer();
    const sites = new Collection();
    sites.set('a');
    const clock = new FakeClock();
    const calls: string[] = [];
    const replica = async (id: string) => {
      const mgr = createManager({
        ...base(),
        leaderElection: { namespace: 'ns', name: 'slipway', identity: id, store: store() },
        clock,
      });
      for (const c of ['site', 'siteset'])
        mgr.addController({
          name: c,
          watches: [{ name: 'sites', source: sites }],
          reconcile: async (key) => void calls.push(`${id} ${c} ${key}`),
        });
      await mgr.start();
      return mgr;
    };
    const one = await replica('one');
    await clock.advance(100);
    const two = await replica('two');
    await clock.advance(5_000);
    expect(one.isLeader()).toBe(true);
    expect(two.isLeader()).toBe(false);
    expect(two.ready()).toBe(true);
    expect(two.controller('site')?.running()).toBe(false);
    expect(two.controller('siteset')?.running()).toBe(false);
    expect(calls.sort()).toEqual(['one site ns/a', 'one siteset ns/a']);
    await one.stop();
    await clock.advance(3_000);
    expect(two.isLeader()).toBe(true);
    await flushPromises();
    expect(calls.filter((c) => c.startsWith('two ')).sort()).toEqual(['two site ns/a', 'two siteset ns/a']);
    await two.stop();
  });
});
