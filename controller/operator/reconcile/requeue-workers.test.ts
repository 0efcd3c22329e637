// A controller with 4 workers, 8 Sites whose nodes take a while to deploy (the fake Ironic with
// deployMs) and 4 Sites of releases only: the work queue and workers of the operator runtime, the
// real reconciler, fake drivers, the real clock. The node Sites' reconciles end with a requeue
// while Ironic deploys, so the release-only Sites, queued after them, are Ready long before the
// first deploy ends. Before item 4 each node Site held a worker for its whole deploy.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFakeHelmDriver } from '../../drivers/helm/fake.js';
import { createFakeIronicDriver, type FakeIronicDriver } from '../../drivers/ironic/fake.js';
import type { IronicDriver } from '../../drivers/types.js';
import type { Site } from '../api/types.js';
import { realClock } from '../runtime/clock.js';
import { runController } from '../runtime/controller.js';
import { memoryLogger } from '../runtime/log.js';
import { createWorkQueue } from '../runtime/workqueue.js';
import { fetchSiteSource } from '../source/index.js';
import { reconcileSite } from './reconciler.js';
import { testSite } from './sample-site.js';
import { memoryEvents, memoryStore } from './test-store.js';
import type { ReconcileDeps } from './types.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const DEPLOY_MS = 4_000;

/** The same fake Ironic, but each pass polls inside the worker until the deploy is over (the old shape). */
function waitingInTheWorker(ironic: FakeIronicDriver): IronicDriver {
  return {
    ...ironic,
    async pass(spec, op, carry, progress) {
      let r = await ironic.pass(spec, op, carry, progress);
      while (r.kind === 'requeue') {
        await new Promise((done) => setTimeout(done, r.kind === 'requeue' ? r.afterMs : 0));
        r = await ironic.pass(spec, op, r.carry, progress);
      }
      return r;
    },
  };
}

async function run(shape: 'requeue' | 'wait in the worker') {
  const store = memoryStore();
  const helm = createFakeHelmDriver();
  const fakeIronic = createFakeIronicDriver({ deployMs: DEPLOY_MS, pollMs: 500 });
  const ironic = shape === 'requeue' ? fakeIronic : waitingInTheWorker(fakeIronic);
  const readyAt = new Map<string, number>();
  const t0 = Date.now();
  const { log } = memoryLogger('info');
  const deps: ReconcileDeps = {
    sites: store,
    fetchSource: (site) =>
      fetchSiteSource(site, {
        reader: { readSecret: async () => undefined, readConfigMap: async () => undefined },
        inlineRoot: repoRoot,
      }),
    drivers: async () => ({ helm, ironic }),
    clock: realClock,
    log,
    events: memoryEvents(),
    statusThrottleMs: 0,
  };
  const nodeSites = Array.from({ length: 8 }, (_, i) =>
    testSite({ name: `metal-${i}`, releases: 1, nodes: 1, nodeImage: 'http://images.test/os.qcow2' }),
  );
  const releaseSites = Array.from({ length: 4 }, (_, i) => testSite({ name: `apps-${i}`, releases: 2, nodes: 0 }));
  for (const s of [...nodeSites, ...releaseSites]) store.put(s);
  const ready = (s: Site) =>
    store.site('default', s.metadata.name)?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const queue = createWorkQueue<string>();
  let running = 0;
  let maxRunning = 0;
  const ctl = runController({
    queue,
    workers: 4,
    reconcile: async (key) => {
      maxRunning = Math.max(maxRunning, ++running);
      try {
        const r = await reconcileSite(deps, key);
        for (const s of [...nodeSites, ...releaseSites])
          if (!readyAt.has(s.metadata.name) && ready(s)) readyAt.set(s.metadata.name, Date.now() - t0);
        if (r.kind === 'retry') throw r.error;
        // A Ready Site is not looked at again in this test (the drift interval is minutes).
        return r.requeueAfterMs && r.requeueAfterMs < 60_000 ? { requeueAfterMs: r.requeueAfterMs } : undefined;
      } finally {
        running--;
      }
    },
  });
  // The node Sites first: they would take all 4 workers if a worker waited on a deploy.
  for (const s of nodeSites) queue.add(`default/${s.metadata.name}`);
  for (const s of releaseSites) queue.add(`default/${s.metadata.name}`);
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline && ![...nodeSites, ...releaseSites].every(ready))
    await new Promise((r) => setTimeout(r, 50));
  await ctl.stop(5_000);

  const apps = releaseSites.map((s) => readyAt.get(s.metadata.name) ?? Number.POSITIVE_INFINITY);
  const metal = nodeSites.map((s) => readyAt.get(s.metadata.name) ?? Number.POSITIVE_INFINITY);
  console.log(`${shape}: release Sites Ready at ${apps.join(', ')} ms; node Sites at ${metal.join(', ')} ms`);
  return { apps, metal, maxRunning, helm, ironic: fakeIronic };
}

describe('4 workers, 8 Sites with slow nodes', () => {
  it('Sites of releases only are Ready while every node still deploys', { timeout: 60_000 }, async () => {
    const { apps, metal, maxRunning, helm, ironic } = await run('requeue');
    expect(Math.max(...apps)).toBeLessThan(DEPLOY_MS);
    expect(Math.min(...metal)).toBeGreaterThanOrEqual(DEPLOY_MS);
    // Every deploy ran side by side: all node Sites Ready within a few requeues of the first.
    expect(Math.max(...metal)).toBeLessThan(2 * DEPLOY_MS + 3_000);
    expect(maxRunning).toBeLessThanOrEqual(4);
    expect(helm.count('install')).toBe(8 + 4 * 2);
    expect(ironic.node('metal-0-node-0')).toMatchObject({ provisionState: 'active' });
  });

  it('(the contrast) a driver that waits in the worker makes them wait for two rounds of deploys', {
    timeout: 60_000,
  }, async () => {
    const { apps, metal } = await run('wait in the worker');
    expect(Math.min(...apps)).toBeGreaterThanOrEqual(2 * DEPLOY_MS);
    expect(Math.max(...metal)).toBeGreaterThanOrEqual(2 * DEPLOY_MS);
  });
});
