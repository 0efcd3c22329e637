import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFakeHelmDriver } from '../../drivers/helm/fake.js';
import { createFakeIronicDriver } from '../../drivers/ironic/fake.js';
import { FINALIZER, type Site } from '../api/types.js';
import { realClock } from '../runtime/clock.js';
import { memoryLogger } from '../runtime/log.js';
import { fetchSiteSource } from '../source/index.js';
import { reconcileSite } from './reconciler.js';
import { type TestSiteOptions, testDocuments, testSite } from './sample-site.js';
import { memoryEvents, memoryStore } from './test-store.js';
import type { ReconcileDeps } from './types.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function setup(options: TestSiteOptions = {}) {
  const store = memoryStore();
  const events = memoryEvents();
  const { log, lines } = memoryLogger('debug');
  const helm = createFakeHelmDriver();
  const ironic = createFakeIronicDriver();
  let fetches = 0;
  const deps: ReconcileDeps = {
    sites: store,
    fetchSource: (site, o) => {
      fetches++;
      return fetchSiteSource(site, {
        reader: { readSecret: async () => undefined, readConfigMap: async () => undefined },
        inlineRoot: repoRoot,
        ...(o?.commit ? { commit: o.commit } : {}),
      });
    },
    drivers: async () => ({ helm, ironic }),
    clock: realClock,
    log,
    events,
    statusThrottleMs: 0,
  };
  const site = testSite({ name: 's', releases: 2, nodes: 1, ...options });
  store.put(site);
  const get = () => store.site('default', site.metadata.name)!;
  const run = () => reconcileSite(deps, `default/${site.metadata.name}`);
  return { store, events, lines, helm, ironic, deps, run, get, fetches: () => fetches };
}

const cond = (s: Site, type: string) => s.status?.conditions?.find((c) => c.type === type);

describe('reconcileSite', () => {
  it('marks every status it writes with drivers: fake when the controller runs on fakes, and never otherwise', async () => {
    const real = setup();
    await real.run();
    expect(real.get().status?.drivers).toBeUndefined();
    const fake = setup();
    fake.deps.fakeDrivers = true;
    const writes: (string | undefined)[] = [];
    const patch = fake.store.patchStatus.bind(fake.store);
    fake.store.patchStatus = async (site, status) => {
      writes.push(status.drivers);
      return patch(site, status);
    };
    await fake.run();
    expect(writes.length).toBeGreaterThan(1);
    expect(new Set(writes)).toEqual(new Set(['fake']));
  });

  it('adds the finalizer, applies the site and reports Ready with observedGeneration, counts, history', async () => {
    const t = setup();
    const r = await t.run();
    expect(r, JSON.stringify(r.kind === 'retry' ? r.error.message : '')).toMatchObject({ kind: 'done' });
    const s = t.get();
    expect(s.metadata.finalizers).toEqual([FINALIZER]);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded', observedGeneration: 1 });
    expect(cond(s, 'Reconciling')).toBeUndefined();
    expect(s.status?.lastAppliedRevision).toMatch(/^sha256:/);
    expect(s.status?.lastAttemptedRevision).toBe(s.status?.lastAppliedRevision);
    expect(s.status?.renderedDigest).toBe(s.status?.workflow?.digest);
    expect(s.status?.nodes).toEqual({ ready: 1, total: 1 });
    expect(s.status?.releases).toEqual({ ready: 2, total: 2 });
    expect(s.status?.history).toHaveLength(1);
    expect(s.status?.history?.[0]).toMatchObject({ result: 'Succeeded', revision: s.status?.lastAppliedRevision });
    const steps = s.status!.workflow!.phases.flatMap((p) => p.steps);
    expect(steps.map((x) => x.state)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(steps.every((x) => x.digest && x.startedAt && x.finishedAt)).toBe(true);
    expect(t.helm.count('install')).toBe(2);
    expect(t.ironic.node('s-node-0')).toBeDefined();
    expect(t.events.list.filter((e) => e.reason === 'StepStarted')).toHaveLength(3);
    expect(t.events.list.filter((e) => e.reason === 'StepSucceeded')).toHaveLength(3);
    // Every log line of the apply carries the Site and the revision.
    const applyLines = t.lines.filter((l) => l.msg.startsWith('step '));
    expect(applyLines.length).toBeGreaterThan(0);
    expect(applyLines.every((l) => l.site === 'default/s' && String(l.revision).startsWith('sha256:'))).toBe(true);
  });

  it('an unchanged Site: no helm action, no Ironic write, no status write, fast', async () => {
    const t = setup();
    await t.run();
    const helmCalls = t.helm.count();
    t.ironic.resetCounters();
    const writes = t.store.statusWrites.length;
    const t0 = performance.now();
    const r = await t.run();
    const ms = performance.now() - t0;
    expect(r).toMatchObject({ kind: 'done' });
    expect(t.helm.count()).toBe(helmCalls);
    expect(t.ironic.writes).toBe(0);
    expect(t.store.statusWrites.length).toBe(writes);
    expect(ms).toBeLessThan(200);
  });

  it('drift: a release removed by hand is installed again on the next reconcile (finished runs do not count as completed)', async () => {
    const t = setup();
    await t.run();
    await t.helm.uninstall('s-cfg-0', 'default', 60);
    const installs = t.helm.count('install');
    expect(await t.run()).toMatchObject({ kind: 'done' });
    expect(t.helm.count('install')).toBe(installs + 1);
    expect(t.helm.calls.filter((c) => c.action === 'install').pop()?.release).toBe('s-cfg-0');
    expect(cond(t.get(), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('a run killed half-way resumes: steps recorded done with the planned digest are not run again', async () => {
    const t = setup({ releases: 2, nodes: 1 });
    await t.run();
    // As if the controller died after the node step and one release, before the rest.
    const site = t.get();
    const steps = site.status!.workflow!.phases.flatMap((p) => p.steps);
    steps.find((x) => x.id === 'release/default/s-cfg-1')!.state = 'Running';
    t.store.put(site);
    await t.helm.uninstall('s-cfg-1', 'default', 60);
    t.ironic.resetCounters();
    const ensures = t.ironic.calls.filter((c) => c.op === 'ensure').length;
    await t.run();
    expect(t.ironic.calls.filter((c) => c.op === 'ensure').length).toBe(ensures); // the node step was done: not run
    expect(t.helm.calls.filter((c) => c.action === 'install' && c.release === 's-cfg-1')).toHaveLength(2);
    expect(t.helm.calls.filter((c) => c.action === 'install' && c.release === 's-cfg-0')).toHaveLength(1);
    expect(cond(t.get(), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('a changed value upgrades exactly that release; lastAppliedRevision moves; history grows', async () => {
    const t = setup();
    await t.run();
    const first = t.get().status!.lastAppliedRevision;
    const site = t.get();
    const docs = testDocuments({ name: 's', releases: 2, nodes: 1 });
    (docs[4] as { data: { values: { data: { value: string } } } }).data.values.data.value = 'two';
    site.spec.source.inline!.documents = docs;
    site.metadata.generation = 2;
    t.store.put(site);
    await t.run();
    const s = t.get();
    expect(t.helm.count('upgrade')).toBe(1);
    expect(t.helm.calls.find((c) => c.action === 'upgrade')?.release).toBe('s-cfg-1');
    expect(s.status?.lastAppliedRevision).not.toBe(first);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 2 });
    expect(s.status?.history?.map((h) => h.revision)).toEqual([s.status?.lastAppliedRevision, first]);
  });

  it('spec.render.compat: deckhand renders as Deckhand did (here: its delete by value), the default correctly', async () => {
    // cfg-0 inherits from an abstract parent and deletes .values.extra ("one"); Deckhand deletes the
    // first value equal to it, .values.data.value, instead.
    const documents = (): Record<string, unknown>[] => {
      const docs = testDocuments({ name: 's', releases: 1, nodes: 0 });
      const policy = docs[0] as { data: { layerOrder: string[] } };
      policy.data.layerOrder = ['global', 'site'];
      const chart = docs.find((d) => d.schema === 'armada/Chart/v1') as {
        metadata: Record<string, unknown>;
        data: { values: Record<string, unknown> };
      };
      const parent = structuredClone(chart);
      parent.metadata = {
        ...parent.metadata,
        name: 'cfg-base',
        labels: { base: 'cfg' },
        layeringDefinition: { abstract: true, layer: 'global' },
      };
      parent.data.values = { ...parent.data.values, extra: 'one' };
      chart.metadata = {
        ...chart.metadata,
        layeringDefinition: {
          abstract: false,
          layer: 'site',
          parentSelector: { base: 'cfg' },
          actions: [{ method: 'delete', path: '.values.extra' }],
        },
      };
      chart.data = { values: {} } as typeof chart.data;
      return [...docs, parent];
    };
    const installed = async (compat: 'deckhand' | undefined) => {
      const t = setup({ nodes: 0, releases: 1, spec: compat ? { render: { compat } } : {} });
      const site = t.get();
      site.spec.source.inline!.documents = documents();
      t.store.put(site);
      const r = await t.run();
      expect(r, JSON.stringify(r.kind === 'retry' ? r.error.message : t.get().status?.conditions)).toMatchObject({
        kind: 'done',
      });
      return t.helm.values('s-cfg-0', 'default');
    };
    expect(await installed(undefined)).toEqual({ data: { index: '0', value: 'one' } });
    expect(await installed('deckhand')).toEqual({ data: { index: '0' }, extra: 'one' });
  });

  it('a render error stalls the Site with file:line and changes nothing', async () => {
    const t = setup();
    await t.run();
    const calls = t.helm.count();
    const site = t.get();
    site.spec.source.inline!.documents = [
      ...testDocuments({ name: 's', releases: 2 }),
      { schema: 'armada/Chart/v1', metadata: { schema: 'metadata/Document/v1' }, data: {} },
    ];
    site.metadata.generation = 2;
    t.store.put(site);
    const r = await t.run();
    expect(r.kind).toBe('retry');
    const s = t.get();
    expect(cond(s, 'Stalled')).toMatchObject({ status: 'True', reason: 'RenderFailed', observedGeneration: 2 });
    expect(cond(s, 'Stalled')?.message).toMatch(/^inline\/\d+:2: InvalidDocumentFormat/);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'RenderFailed' });
    expect(t.helm.count()).toBe(calls);
    expect(s.status?.lastAppliedRevision).not.toBe(s.status?.lastAttemptedRevision);
    // Same error again: no new status write, no second event.
    const writes = t.store.statusWrites.length;
    const warnings = t.events.list.filter((e) => e.reason === 'RenderFailed').length;
    await t.run();
    expect(t.store.statusWrites.length).toBe(writes);
    expect(t.events.list.filter((e) => e.reason === 'RenderFailed').length).toBe(warnings);
  });

  it('a validation error stalls with ValidationFailed; an empty render stalls with EmptyRender', async () => {
    const t = setup();
    const site = t.get();
    const docs = testDocuments({ name: 's', releases: 1, nodes: 0 });
    (docs[3] as { data: Record<string, unknown> }).data.wait = { timeout: 'soon' };
    site.spec.source.inline!.documents = docs;
    t.store.put(site);
    expect((await t.run()).kind).toBe('retry');
    expect(cond(t.get(), 'Stalled')).toMatchObject({ status: 'True', reason: 'ValidationFailed' });
    expect(cond(t.get(), 'Stalled')?.message).toMatch(/inline\/3:\d+/);
    const empty = t.get();
    empty.spec.source.inline!.documents = testDocuments({ name: 's', releases: 1, nodes: 0 }).slice(0, 1);
    t.store.put(empty);
    expect((await t.run()).kind).toBe('retry');
    expect(cond(t.get(), 'Stalled')).toMatchObject({ status: 'True', reason: 'EmptyRender' });
    expect(t.helm.count()).toBe(0);
  });

  it('suspend: no fetch, no driver call, no write', async () => {
    const t = setup({ spec: { suspend: true } });
    expect(await t.run()).toEqual({ kind: 'done' });
    expect(t.fetches()).toBe(0);
    expect(t.helm.calls).toHaveLength(0);
    expect(t.store.statusWrites).toHaveLength(0);
    expect(t.store.finalizerWrites).toBe(0);
  });

  it('a failed release: Ready=False, Reconciling=True (retry), the failed step recorded; the retry resumes without repeating finished steps', async () => {
    const t = setup({ releases: 2, nodes: 1 });
    t.helm.fail('s-cfg-1', { times: 2, actions: ['install'] });
    const r = await t.run();
    expect(r.kind).toBe('retry');
    const s = t.get();
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ApplyFailed' });
    expect(cond(s, 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
    const states = Object.fromEntries(s.status!.workflow!.phases.flatMap((p) => p.steps).map((x) => [x.id, x.state]));
    expect(states).toEqual({
      'node/s-node-0': 'Succeeded',
      'release/default/s-cfg-0': 'Succeeded',
      'release/default/s-cfg-1': 'Failed',
    });
    expect(s.status?.history?.[0]?.result).toBe('Failed');
    expect(s.status?.releases).toEqual({ ready: 1, total: 2 });
    const ensures = t.ironic.calls.filter((c) => c.op === 'ensure').length;
    await t.run();
    expect(t.ironic.calls.filter((c) => c.op === 'ensure').length).toBe(ensures); // not repeated
    expect(t.helm.calls.filter((c) => c.action === 'install' && c.release === 's-cfg-0')).toHaveLength(1);
    expect(cond(t.get(), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('secrets never reach status, events or logs', async () => {
    const t = setup();
    t.ironic.failNext('s-node-0', 'enroll', 'BMC login failed for admin:s3cret-bmc-pw');
    await t.run();
    const text = JSON.stringify([t.get().status, t.events.list, t.lines]);
    expect(text).not.toContain('s3cret-bmc-pw');
  });

  it('deletion with Orphan removes the finalizer only; with Delete uninstalls releases and removes nodes first', async () => {
    const orphan = setup();
    await orphan.run();
    orphan.store.markDeleted('default', 's');
    await orphan.run();
    expect(orphan.store.site('default', 's')).toBeUndefined();
    expect(orphan.helm.count('uninstall')).toBe(0);

    const t = setup({ spec: { deletionPolicy: 'Delete' } });
    await t.run();
    t.store.markDeleted('default', 's');
    expect(await t.run()).toEqual({ kind: 'done' });
    expect(t.store.site('default', 's')).toBeUndefined();
    expect(t.helm.count('uninstall')).toBe(2);
    expect(await t.helm.list()).toEqual([]);
    expect(t.ironic.node('s-node-0')).toBeUndefined();
    expect(t.events.list.map((e) => e.reason)).toContain('Deleted');
  });

  it('a failing uninstall keeps the finalizer and retries', async () => {
    const t = setup({ spec: { deletionPolicy: 'Delete' } });
    await t.run();
    t.helm.fail('s-cfg-0', { actions: ['uninstall'], times: 1 });
    t.store.markDeleted('default', 's');
    expect((await t.run()).kind).toBe('retry');
    expect(t.store.site('default', 's')?.metadata.finalizers).toEqual([FINALIZER]);
    expect(t.ironic.node('s-node-0')).toBeDefined(); // nodes only after every release is gone
    expect(await t.run()).toEqual({ kind: 'done' });
    expect(t.store.site('default', 's')).toBeUndefined();
  });
});

describe('reconcileSite: nodes Ironic is still deploying (requeue, not a waiting worker)', () => {
  function slowSetup() {
    const t = setup({ nodeImage: 'http://images.test/os.qcow2', nodes: 2 });
    let now = Date.parse('2026-12-01T10:00:00Z');
    const ironic = createFakeIronicDriver({ deployMs: 60_000, now: () => now, pollMs: 5_000 });
    t.deps.drivers = async () => ({ helm: t.helm, ironic });
    t.deps.clock = { ...realClock, now: () => now };
    return { ...t, ironic, advance: (ms: number) => (now += ms), now: () => now };
  }

  it('ends the reconcile with requeueAfter at once, status Progressing with the operation recorded; resumes it; Ready when deployed', async () => {
    const t = slowSetup();
    const t0 = performance.now();
    const first = await t.run();
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(first).toEqual({ kind: 'done', requeueAfterMs: 5_000 });
    let s = t.get();
    expect(cond(s, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'Progressing' });
    expect(cond(s, 'Reconciling')?.message).toMatch(/waiting for 2 node\(s\) in Ironic/);
    const steps = () =>
      Object.fromEntries(
        t
          .get()
          .status!.workflow!.phases.flatMap((p) => p.steps)
          .map((x) => [x.id, x]),
      );
    expect(steps()['node/s-node-0']).toMatchObject({
      state: 'Running',
      operation: { operation: 'ensure', issued: ['active'], startedAt: '2026-12-01T10:00:00.000Z' },
    });
    expect(steps()['release/default/s-cfg-0']?.state).toBe('Pending');
    expect(t.helm.count('install')).toBe(0);
    const writes = t.ironic.writes;

    t.advance(30_000);
    expect(await t.run()).toEqual({ kind: 'done', requeueAfterMs: 5_000 });
    // The same operation, carried on: started at the same time, no action issued again.
    expect(steps()['node/s-node-0']?.operation?.startedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(t.ironic.writes).toBe(writes);
    expect(t.events.list.filter((e) => e.reason === 'StepStarted' && e.message.startsWith('node/'))).toHaveLength(2);
    expect(t.events.list.filter((e) => e.reason === 'Progressing')).toHaveLength(1);

    t.advance(31_000);
    const done = await t.run();
    expect(done.kind).toBe('done');
    s = t.get();
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(steps()['node/s-node-0']).toMatchObject({ state: 'Succeeded' });
    expect(steps()['node/s-node-0']?.operation).toBeUndefined();
    expect(t.helm.count('install')).toBe(2);
    expect(t.ironic.node('s-node-1')).toMatchObject({ provisionState: 'active' });
  });

  it('node drift in status and events: warn reports (Drifted warning), enabled powers the node on', async () => {
    const t = setup({ nodeImage: 'http://images.test/os.qcow2' });
    await t.run();
    t.ironic.edit('s-node-0', { powerState: 'power off' });
    await t.run();
    const step = () =>
      t
        .get()
        .status!.workflow!.phases.flatMap((p) => p.steps)
        .find((x) => x.id === 'node/s-node-0')!;
    expect(step().drift).toEqual(['powerState: power off → power on']);
    expect(t.events.list.find((e) => e.reason === 'Drifted')).toMatchObject({
      type: 'Warning',
      message: expect.stringMatching(
        /^node\/s-node-0: drift found, not repaired \(powered-off: .*\): powerState: power off → power on$/,
      ),
    });
    expect(t.ironic.node('s-node-0')?.powerState).toBe('power off');

    const s = t.get();
    t.store.put({ ...s, spec: { ...s.spec, driftDetection: 'enabled' } });
    await t.run();
    expect(t.ironic.node('s-node-0')?.powerState).toBe('power on');
    expect(t.events.list.filter((e) => e.reason === 'Drifted').at(-1)).toMatchObject({
      type: 'Normal',
      message: 'node/s-node-0: repaired drift (power-on): powerState: power off → power on',
    });
    await t.run();
    expect(step().drift).toBeUndefined();
  });
});
