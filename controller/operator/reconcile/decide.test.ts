import { describe, expect, it } from 'vitest';
import { createFakeHelmDriver } from '../../drivers/helm/fake.js';
import { createFakeIronicDriver } from '../../drivers/ironic/fake.js';
import type { Step, Workflow } from '../../plan/types.js';
import type { Site, SiteStatus } from '../api/types.js';
import { FakeClock, realClock } from '../runtime/clock.js';
import { nullLogger } from '../runtime/log.js';
import { nextConditions } from './conditions.js';
import { deletionTargets } from './delete.js';
import { gateDrivers } from './driver-gate.js';
import { parseDuration } from './duration.js';
import { pushHistory } from './history.js';
import { applyStepEvent, completedSteps, readyCounts, startWorkflowStatus } from './progress.js';
import { StatusWriter } from './status-writer.js';
import { memoryStore } from './test-store.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:01:00Z');

function step(id: string, digest: string): Step {
  const origin = { schema: 's', name: 'n', at: 'f:1' };
  if (id.startsWith('node/')) {
    const name = id.slice(5);
    return {
      kind: 'node',
      id,
      phase: 'baremetal',
      dependsOn: [],
      digest,
      origin,
      secretPaths: [],
      spec: { name, bmc: { address: `fake://${name}` }, properties: {}, inspect: false, target: 'available', digest },
    };
  }
  const [, ns, name] = id.split('/') as [string, string, string];
  return {
    kind: 'release',
    id,
    phase: 'g',
    dependsOn: [],
    digest,
    origin,
    secretPaths: [],
    spec: {
      name,
      namespace: ns,
      chartPath: '/c',
      values: {},
      wait: { enabled: false, timeoutSeconds: 1 },
      test: { enabled: false, timeoutSeconds: 1 },
      preUpgradeDelete: [],
      protected: false,
      timeoutSeconds: 1,
      digest,
    },
  };
}

const wf = (digests: Record<string, string>, digest = 'W'): Workflow => ({
  digest,
  phases: [
    {
      name: 'baremetal',
      kind: 'baremetal',
      sequenced: false,
      steps: Object.entries(digests)
        .filter(([k]) => k.startsWith('node/'))
        .map(([k, d]) => step(k, d)),
    },
    {
      name: 'g',
      kind: 'chart-group',
      sequenced: false,
      steps: Object.entries(digests)
        .filter(([k]) => k.startsWith('release/'))
        .map(([k, d]) => step(k, d)),
    },
  ],
});

const status = (w: Workflow, states: Record<string, [string, string?]>): SiteStatus => ({
  workflow: {
    revision: 'r',
    digest: w.digest,
    phases: w.phases.map((p) => ({
      name: p.name,
      steps: p.steps.map((s) => ({
        id: s.id,
        state: states[s.id]![0] as never,
        ...(states[s.id]![1] ? { digest: states[s.id]![1] } : {}),
      })),
    })),
  },
});

describe('nextConditions (kstatus)', () => {
  it('ready keeps lastTransitionTime when Ready stays True; drops Reconciling and Stalled', () => {
    const a = nextConditions(undefined, { kind: 'progressing', message: 'm' }, 1, t0);
    expect(a.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'Unknown'],
      ['Reconciling', 'True'],
    ]);
    const b = nextConditions(a, { kind: 'ready', message: 'ok' }, 2, t1);
    expect(b).toEqual([
      {
        type: 'Ready',
        status: 'True',
        reason: 'Succeeded',
        message: 'ok',
        lastTransitionTime: t1.toISOString(),
        observedGeneration: 2,
      },
    ]);
    const c = nextConditions(b, { kind: 'ready', message: 'ok' }, 2, new Date('2027-01-01T00:00:00Z'));
    expect(c).toEqual(b);
  });
  it('stalled and failed', () => {
    expect(
      nextConditions(undefined, { kind: 'stalled', reason: 'RenderFailed', message: 'f:1: x' }, 3, t0).map(
        (c) => `${c.type}=${c.status}/${c.reason}`,
      ),
    ).toEqual(['Ready=False/RenderFailed', 'Stalled=True/RenderFailed']);
    expect(
      nextConditions(undefined, { kind: 'failed', reason: 'ApplyFailed', message: 'x' }, 3, t0).map(
        (c) => `${c.type}=${c.status}/${c.reason}`,
      ),
    ).toEqual(['Ready=False/ApplyFailed', 'Reconciling=True/ProgressingWithRetry']);
  });
});

describe('completedSteps', () => {
  const w = wf({ 'node/a': 'da', 'release/ns/x': 'dx', 'release/ns/y': 'dy' });
  it('an unfinished run of the same workflow: the steps done with the planned digest', () => {
    const s = status(w, {
      'node/a': ['Succeeded', 'da'],
      'release/ns/x': ['Unchanged', 'old'],
      'release/ns/y': ['Running'],
    });
    expect([...completedSteps(s, w)]).toEqual(['node/a']);
  });
  it('a run that finished with every step done: nothing (the observed state decides, drift is repaired)', () => {
    const s = status(w, {
      'node/a': ['Succeeded', 'da'],
      'release/ns/x': ['Succeeded', 'dx'],
      'release/ns/y': ['Unchanged', 'dy'],
    });
    expect(completedSteps(s, w).size).toBe(0);
  });
  it('a new workflow keeps the steps whose digest did not change', () => {
    const s = status(w, {
      'node/a': ['Succeeded', 'da'],
      'release/ns/x': ['Succeeded', 'dx'],
      'release/ns/y': ['Failed'],
    });
    const next = wf({ 'node/a': 'da', 'release/ns/x': 'dx2', 'release/ns/y': 'dy' }, 'W2');
    expect([...completedSteps(s, next)]).toEqual(['node/a']);
    expect(completedSteps(undefined, next).size).toBe(0);
  });
});

describe('progress record', () => {
  it('start → Running, finish → state with digest, counts follow', () => {
    const w = wf({ 'node/a': 'da', 'release/ns/x': 'dx' });
    const digests = new Map([
      ['node/a', 'da'],
      ['release/ns/x', 'dx'],
    ]);
    let s = startWorkflowStatus(w, 'rev', undefined, new Set());
    expect(readyCounts(s, w)).toEqual({
      nodes: { ready: 0, total: 1 },
      releases: { ready: 0, total: 1 },
      summary: { nodes: '0/1', releases: '0/1' },
    });
    s = applyStepEvent(
      s,
      { type: 'start', stepId: 'node/a', phase: 'baremetal', action: 'enroll' },
      t0,
      digests,
      new Set(),
      (x) => x,
    );
    expect(s.phases[0]!.steps[0]).toEqual({
      id: 'node/a',
      state: 'Running',
      startedAt: t0.toISOString(),
      message: 'enroll',
    });
    s = applyStepEvent(
      s,
      {
        type: 'finish',
        result: { stepId: 'node/a', phase: 'baremetal', outcome: 'created', message: 'pw=hunter2', durationMs: 1 },
      },
      t1,
      digests,
      new Set(),
      (x) => x.replace('hunter2', '[redacted]'),
    );
    expect(s.phases[0]!.steps[0]).toEqual({
      id: 'node/a',
      state: 'Succeeded',
      digest: 'da',
      startedAt: t0.toISOString(),
      finishedAt: t1.toISOString(),
      message: 'pw=[redacted]',
    });
    s = applyStepEvent(
      s,
      {
        type: 'finish',
        result: { stepId: 'release/ns/x', phase: 'g', outcome: 'failed', message: 'boom', durationMs: 1 },
      },
      t1,
      digests,
      new Set(),
      (x) => x,
    );
    expect(s.phases[1]!.steps[0]).toMatchObject({ state: 'Failed', message: 'boom' });
    expect(s.phases[1]!.steps[0]!.digest).toBeUndefined();
    expect(readyCounts(s, w)).toEqual({
      nodes: { ready: 1, total: 1 },
      releases: { ready: 0, total: 1 },
      summary: { nodes: '1/1', releases: '0/1' },
    });
  });
});

describe('deletionTargets', () => {
  it('releases of the last group first, then nodes; ids recorded in status are added once', () => {
    const w: Workflow = {
      digest: 'w',
      phases: [
        { name: 'baremetal', kind: 'baremetal', sequenced: false, steps: [step('node/a', '1')] },
        { name: 'g1', kind: 'chart-group', sequenced: false, steps: [step('release/ns/x', '1')] },
        { name: 'g2', kind: 'chart-group', sequenced: false, steps: [step('release/ns/y', '1')] },
      ],
    };
    const recorded = {
      revision: 'r',
      digest: 'd',
      phases: [
        {
          name: 'g3',
          steps: [
            { id: 'release/ns/z', state: 'Failed' as const },
            { id: 'release/ns/x', state: 'Succeeded' as const },
            { id: 'node/b', state: 'Pending' as const },
          ],
        },
      ],
    };
    expect(deletionTargets(w, recorded)).toEqual({
      releases: [[{ name: 'z', namespace: 'ns' }], [{ name: 'y', namespace: 'ns' }], [{ name: 'x', namespace: 'ns' }]],
      nodes: ['a', 'b'],
    });
  });
});

describe('helpers', () => {
  it('parseDuration', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5 minutes')).toBeUndefined();
  });
  it('pushHistory keeps the newest five', () => {
    let h: ReturnType<typeof pushHistory> = [];
    for (let i = 0; i < 7; i++)
      h = pushHistory(h, {
        revision: `r${i}`,
        digest: 'd',
        startedAt: '',
        finishedAt: '',
        durationSeconds: 0,
        result: 'Succeeded',
      });
    expect(h.map((e) => e.revision)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2']);
  });
  it('the driver gate refuses new actions after the deadline or on shutdown; reads pass', async () => {
    const helm = createFakeHelmDriver();
    const ac = new AbortController();
    let now = 0;
    const g = gateDrivers(
      { helm, ironic: createFakeIronicDriver() },
      { deadline: 100, signal: ac.signal, now: () => now },
    );
    const spec = step('release/ns/x', 'd').spec as never;
    expect((await g.helm.install(spec)).ok).toBe(true);
    now = 100;
    expect(await g.helm.upgrade(spec)).toMatchObject({ ok: false, message: expect.stringMatching(/timeout/) });
    expect(await g.ironic.ensure(step('node/a', 'd').spec as never)).toMatchObject({ kind: 'error' });
    expect(await g.helm.list()).toHaveLength(1);
    now = 0;
    ac.abort();
    expect(await g.helm.uninstall('x', 'ns', 1)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/shutting down/),
    });
  });
});

describe('StatusWriter', () => {
  const site: Site = {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name: 's', namespace: 'default' },
    spec: { source: {} },
  };
  it('throttles progress, writes at once when asked, and never writes an unchanged status', async () => {
    const store = memoryStore();
    store.put(site);
    const clock = new FakeClock();
    const w = new StatusWriter(site, store, clock, nullLogger, 500);
    await w.update({ lastAttemptedRevision: 'a' }); // first: at once
    await w.update({ lastAttemptedRevision: 'b' }); // within 500 ms: later
    await w.update({ lastAttemptedRevision: 'c' });
    expect(store.statusWrites.map((s) => s.lastAttemptedRevision)).toEqual(['a']);
    await clock.advance(500);
    await w.flush();
    expect(store.statusWrites.map((s) => s.lastAttemptedRevision)).toEqual(['a', 'c']);
    await w.update({ lastAttemptedRevision: 'c' }, true);
    expect(store.statusWrites).toHaveLength(2);
    await w.update({ lastAttemptedRevision: 'd' }, true);
    expect(store.statusWrites).toHaveLength(3);
  });
  it('unchanged status from the start: zero writes', async () => {
    const store = memoryStore();
    store.put({ ...site, status: { renderedDigest: 'x' } });
    const w = new StatusWriter({ ...site, status: { renderedDigest: 'x' } }, store, realClock, nullLogger);
    await w.update({ renderedDigest: 'x' }, true);
    await w.flush();
    expect(store.statusWrites).toHaveLength(0);
  });
});

import { referencesOf, sitesReferencing } from './references.js';

describe('references', () => {
  const mk = (name: string, ns: string, spec: Site['spec']): Site => ({
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name, namespace: ns },
    spec,
  });
  it('maps a Secret or ConfigMap to the Sites of its namespace that use it', () => {
    const a = mk('a', 'n1', {
      source: { git: { url: 'u', secretRef: { name: 'git' } } },
      ironic: { url: 'i', credentialsSecretRef: { name: 'ironic' } },
    });
    const b = mk('b', 'n1', {
      source: { inline: { configMapRefs: [{ name: 'docs' }] } },
      target: { kubeconfigSecretRef: { name: 'remote' } },
    });
    const c = mk('c', 'n2', { source: { git: { url: 'u', secretRef: { name: 'git' } } } });
    expect(referencesOf(a)).toEqual({ secrets: ['git', 'ironic'], configMaps: [] });
    expect(sitesReferencing([a, b, c], 'Secret', 'n1', 'git')).toEqual(['n1/a']);
    expect(sitesReferencing([a, b, c], 'Secret', 'n1', 'remote')).toEqual(['n1/b']);
    expect(sitesReferencing([a, b, c], 'ConfigMap', 'n1', 'docs')).toEqual(['n1/b']);
    expect(sitesReferencing([a, b, c], 'ConfigMap', 'n2', 'docs')).toEqual([]);
  });
});
