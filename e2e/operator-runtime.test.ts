// The operator runtime against the real local API server:
// - an informer keeps delivering after the kube-apiserver process is restarted (a real
//   stop and start, see support/apiserver.ts), re-listing what changed meanwhile;
// - Lease leader election: of two candidates the first leads and the second waits; when
//   the leader stops renewing (its death), the second leads within 30 s;
// - the manager reconciles a watched object end to end and serves /metrics.
import { CoordinationV1Api, CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { type Informer, watchResources } from '../controller/operator/runtime/informer.js';
import {
  apiLeaseStore,
  type LeaderElector,
  startLeaderElection,
} from '../controller/operator/runtime/leader-election.js';
import { memoryLogger } from '../controller/operator/runtime/log.js';
import { startManager } from '../controller/operator/runtime/manager.js';
import { createMetrics } from '../controller/operator/runtime/metrics.js';
import { restartApiserver } from './support/apiserver.js';
import { type KubeEnv, requireKube } from './support/env.js';

// Looked up in each test, not in a hook: when the infra is down every test fails with
// the "run `npm run infra:up`" message instead of being reported as skipped.
let cachedKube: KubeEnv | undefined;
const kube = (): KubeEnv => (cachedKube ??= requireKube());
const kubeConfig = (): KubeConfig => {
  const kc = new KubeConfig();
  kc.loadFromFile(kube().kubeconfig);
  return kc;
};

const ns = `rt-e2e-${Date.now().toString(36)}`;
let nsCreated = false;
async function testNamespace(): Promise<string> {
  if (!nsCreated) {
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    nsCreated = true;
  }
  return ns;
}

afterAll(async () => {
  if (nsCreated)
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: ns })
      .catch(() => undefined);
});

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Create, retrying while the API server is still settling after a restart. */
async function createConfigMap(core: CoreV1Api, namespace: string, name: string, data: Record<string, string>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data } });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('operator runtime on the real API server', () => {
  it('the informer survives a kube-apiserver restart: a ConfigMap created after it is delivered', async () => {
    const kc = kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = await testNamespace();
    const events: { at: number; what: string }[] = [];
    const { log, lines } = memoryLogger();
    let informer: Informer<V1ConfigMap> | undefined;
    try {
      informer = watchResources<V1ConfigMap>(
        kc,
        `/api/v1/namespaces/${namespace}/configmaps`,
        {
          add: (cm) => events.push({ at: Date.now(), what: `add ${cm.metadata?.name}` }),
          update: (cm) => events.push({ at: Date.now(), what: `update ${cm.metadata?.name} ${cm.data?.v}` }),
          delete: (cm) => events.push({ at: Date.now(), what: `delete ${cm.metadata?.name}` }),
        },
        { log, name: 'configmaps', backoff: { baseMs: 500, maxMs: 4000 } },
      );
      await informer.waitForSync();
      expect(informer.hasSynced()).toBe(true);
      await createConfigMap(core, namespace, 'before', { v: '1' });
      await createConfigMap(core, namespace, 'doomed', { v: '1' });
      await until('add before, doomed', 20_000, () =>
        ['add before', 'add doomed'].every((w) => events.some((e) => e.what === w)),
      );
      expect(informer.get('before', namespace)?.data).toEqual({ v: '1' });
      const listsBefore = informer.listCount();

      // A real restart, staying down 5 s: the open watch breaks, lists are refused meanwhile.
      const restart = await restartApiserver(kube().kubeconfig, { downMs: 5_000 });
      expect(restart.newPid).not.toBe(restart.oldPid);

      // At once after the restart (the informer may still be backing off): a new
      // ConfigMap, a change and a delete must all reach the handlers.
      const created = Date.now();
      await createConfigMap(core, namespace, 'after', { v: '1' });
      await core.replaceNamespacedConfigMap({
        name: 'before',
        namespace,
        body: { metadata: { name: 'before' }, data: { v: '2' } },
      });
      await core.deleteNamespacedConfigMap({ name: 'doomed', namespace });
      const seen = await until('add after', 60_000, () => events.find((e) => e.what === 'add after'));
      const deliveredMs = seen.at - created;
      await until(
        'update before + delete doomed',
        20_000,
        () => events.some((e) => e.what === 'update before 2') && events.some((e) => e.what === 'delete doomed'),
      );

      // And the watch keeps working afterwards.
      await core.deleteNamespacedConfigMap({ name: 'after', namespace });
      await until('delete after', 20_000, () => events.some((e) => e.what === 'delete after'));
      const failures = lines.filter((l) => l.msg.startsWith('list/watch failed'));
      console.log(
        `[operator-runtime] apiserver restart: pid ${restart.oldPid} → ${restart.newPid}, process down→up ${restart.downMs} ms, ` +
          `ready after ${restart.readyAfterMs} ms; informer re-listed ${informer.listCount() - listsBefore}×, ` +
          `${failures.length} list/watch failure(s) logged (${failures
            .map((f) => JSON.stringify(f.error))
            .join('; ')
            .slice(0, 300)}); ` +
          `ConfigMap created after the restart delivered in ${deliveredMs} ms`,
      );
      const t0 = Date.parse(lines[0]?.ts as string);
      for (const l of lines) {
        const extra = l.error
          ? ` ${JSON.stringify(l.error).slice(0, 160)}`
          : l.retryInMs
            ? ` retryIn=${l.retryInMs}`
            : '';
        console.log(`  +${Date.parse(l.ts as string) - t0} ms ${l.level} ${l.msg}${extra}`);
      }
      expect(informer.listCount()).toBeGreaterThan(listsBefore);
    } finally {
      await informer?.stop();
    }
  });

  it('Lease leader election: the first candidate leads, the second takes over within 30 s of its death', async () => {
    const kc = kubeConfig();
    const namespace = await testNamespace();
    const leaseName = 'slipway-e2e-leader';
    const started: Record<string, number> = {};
    const candidates: LeaderElector[] = [];
    const aStart = Date.now();
    try {
      const a = startLeaderElection({
        store: apiLeaseStore(kc, namespace, leaseName),
        identity: 'candidate-a',
        onStartedLeading: () => (started.a = Date.now()),
      });
      candidates.push(a);
      await until('a leads', 20_000, () => a.isLeader());
      const b = startLeaderElection({
        store: apiLeaseStore(kc, namespace, leaseName),
        identity: 'candidate-b',
        onStartedLeading: () => (started.b = Date.now()),
      });
      candidates.push(b);
      // b stands by for longer than a lease while a renews.
      await new Promise((r) => setTimeout(r, 17_000));
      expect(a.isLeader()).toBe(true);
      expect(b.isLeader()).toBe(false);
      expect(b.leader()).toBe('candidate-a');

      const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: leaseName, namespace });
      expect(lease.spec?.holderIdentity).toBe('candidate-a');
      expect(lease.spec?.leaseDurationSeconds).toBe(15);
      const renewAgeMs = Date.now() - new Date(lease.spec?.renewTime as unknown as string).getTime();
      expect(renewAgeMs).toBeLessThan(5_000);

      const death = Date.now();
      await a.stop({ release: false }); // stops renewing, leaves the Lease as a crash would
      await until('b leads', 35_000, () => b.isLeader());
      const takeoverMs = (started.b as number) - death;
      const after = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: leaseName, namespace });
      console.log(
        `[operator-runtime] leader election: a led ${(started.a as number) - aStart} ms after it started; ` +
          `b took over ${takeoverMs} ms after a stopped renewing (lease 15 s, retry 2 s); leaseTransitions=${after.spec?.leaseTransitions}`,
      );
      expect(takeoverMs).toBeLessThan(30_000);
      expect(after.spec?.holderIdentity).toBe('candidate-b');
      expect(after.spec?.leaseTransitions).toBe(1);

      // A graceful stop releases the Lease at once.
      await b.stop();
      const released = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: leaseName, namespace });
      expect(released.spec?.holderIdentity ?? '').toBe('');
    } finally {
      for (const c of candidates) await c.stop({ release: false });
    }
  });

  it("the manager reconciles a watched ConfigMap's key and serves /metrics and /readyz", async () => {
    const kc = kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = await testNamespace();
    const reconciled: string[] = [];
    const mgr = await startManager({
      kubeconfig: kc,
      watches: [
        {
          name: 'configmaps',
          source: { path: `/api/v1/namespaces/${namespace}/configmaps`, labelSelector: 'slipway.dev/e2e=manager' },
        },
      ],
      reconcile: async (key, ctx) => {
        reconciled.push(key);
        const [n, name] = key.split('/') as [string, string];
        const cm = ctx.informer<V1ConfigMap>('configmaps')?.get(name, n);
        if (cm)
          ctx.events.normal(
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: cm.metadata },
            'Reconciled',
            'seen by the e2e manager',
          );
      },
      leaderElection: { namespace, name: 'slipway-e2e-manager', identity: 'mgr-e2e' },
      metricsBindAddress: '127.0.0.1:0',
      healthBindAddress: '127.0.0.1:0',
      handleSignals: false,
      onExit: () => undefined,
      metrics: createMetrics(),
      log: memoryLogger().log,
    });
    try {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'managed', labels: { 'slipway.dev/e2e': 'manager' } }, data: { v: '1' } },
      });
      await until('reconcile of managed', 30_000, () => reconciled.includes(`${namespace}/managed`));
      expect(mgr.isLeader()).toBe(true);
      expect((await fetch(`${mgr.healthUrl()}/readyz`)).status).toBe(200);
      const text = await (await fetch(`${mgr.metricsUrl()}/metrics`)).text();
      expect(text).toContain('controller_runtime_reconcile_total{controller="site",result="success"}');
      expect(text).toContain('leader_election_master_status{name="slipway-e2e-manager"} 1');
      await mgr.events.flush();
      // A change → another reconcile → the same Event again: one Event, count 2.
      await core.replaceNamespacedConfigMap({
        name: 'managed',
        namespace,
        body: { metadata: { name: 'managed', labels: { 'slipway.dev/e2e': 'manager' } }, data: { v: '2' } },
      });
      await until('second reconcile', 30_000, () => reconciled.filter((k) => k === `${namespace}/managed`).length >= 2);
      await mgr.events.flush();
      const evs = await core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=managed' });
      const reconciledEvents = evs.items.filter((e) => e.reason === 'Reconciled');
      expect(reconciledEvents).toHaveLength(1);
      expect(reconciledEvents[0]?.count).toBe(2);
      expect(reconciledEvents[0]?.source?.component).toBe('slipway-controller');
    } finally {
      expect(await mgr.stop()).toMatchObject({ reason: 'stopped', code: 0 });
    }
  });
});

describe('two manager replicas on the real API server', () => {
  it('only the leader reconciles; when it stops (releasing the Lease) the standby takes over and reconciles', async () => {
    const kc = kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = await testNamespace();
    const calls: string[] = [];
    const replica = (id: string) =>
      startManager({
        kubeconfig: kubeConfig(),
        watches: [
          { name: 'cms', source: { version: 'v1', plural: 'configmaps', labelSelector: 'slipway.dev/e2e=replicas' } },
        ],
        namespace,
        reconcile: async (key) => void calls.push(`${id} ${key}`),
        leaderElection: { namespace, name: 'slipway-e2e-replicas', identity: id },
        metricsBindAddress: '0',
        healthBindAddress: '127.0.0.1:0',
        handleSignals: false,
        onExit: () => undefined,
        metrics: createMetrics({ processMetrics: false }),
        log: memoryLogger().log,
      });
    const one = await replica('one');
    await until('one leads', 20_000, () => one.isLeader());
    const two = await replica('two');
    try {
      await until('two synced', 20_000, () => two.ready());
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'r1', labels: { 'slipway.dev/e2e': 'replicas' } }, data: { v: '1' } },
      });
      await until('one reconciles r1', 20_000, () => calls.includes(`one ${namespace}/r1`));
      await new Promise((r) => setTimeout(r, 3_000));
      expect(calls.filter((c) => c.startsWith('two '))).toEqual([]);
      expect((await fetch(`${two.healthUrl()}/readyz`)).status).toBe(200); // standing by is ready

      const stoppedAt = Date.now();
      await one.stop();
      await until('two leads', 20_000, () => two.isLeader());
      await until('two reconciles r1', 20_000, () => calls.includes(`two ${namespace}/r1`));
      console.log(
        `[operator-runtime] replicas: after the leader's graceful stop the standby led and reconciled in ${Date.now() - stoppedAt} ms`,
      );
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
