// Node steps return to the queue (item 4): a pass never waits on the machine. With the fake
// Ironic deploying in 60 s of a fake clock: the CLI's executor waits between passes outside the
// queue slot (other steps go on, one Ironic slot serves several deploys), the operator's ends the
// step `waiting` with the carry and resumes from it, and the 30 min timeout counts from the
// operation's start across both.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diffWorkflow } from '../diff/index.js';
import { createFakeHelmDriver } from '../drivers/helm/fake.js';
import { createFakeIronicDriver } from '../drivers/ironic/fake.js';
import type { NodeSpec, ReleaseSpec } from '../drivers/types.js';
import type { Step, Workflow } from '../plan/types.js';
import { executeWorkflow, type StepEvent } from './index.js';

const origin = { schema: 's', name: 'n', at: 'f:1' };
const DEPLOY_MS = 60_000;

function nodeStep(name: string): Step {
  const spec: NodeSpec = {
    name,
    bmc: { address: `fake://${name}` },
    properties: {},
    inspect: false,
    target: 'active',
    image: { url: 'http://i', checksum: 'c' },
    digest: `nd-${name}`,
  };
  return {
    kind: 'node',
    id: `node/${name}`,
    phase: 'baremetal',
    dependsOn: [],
    digest: spec.digest,
    origin,
    secretPaths: [],
    spec,
  };
}

function releaseStep(name: string, dependsOn: string[]): Step {
  const spec: ReleaseSpec = {
    name,
    namespace: 'ns',
    chartPath: '/c',
    values: {},
    wait: { enabled: false, timeoutSeconds: 60 },
    test: { enabled: false, timeoutSeconds: 60 },
    preUpgradeDelete: [],
    protected: false,
    timeoutSeconds: 60,
    digest: `rd-${name}`,
  };
  return {
    kind: 'release',
    id: `release/ns/${name}`,
    phase: 'apps',
    dependsOn,
    digest: spec.digest,
    origin,
    secretPaths: [],
    spec,
  };
}

/** Two nodes; release `after` depends on both, release `free` on nothing. */
function workflow(): Workflow {
  return {
    digest: 'w',
    phases: [
      { name: 'baremetal', kind: 'baremetal', sequenced: false, steps: [nodeStep('n1'), nodeStep('n2')] },
      {
        name: 'apps',
        kind: 'chart-group',
        sequenced: false,
        steps: [releaseStep('after', ['node/n1', 'node/n2']), releaseStep('free', [])],
      },
    ],
  };
}

/** Both nodes enrolled and available, so the next ensure deploys (and takes DEPLOY_MS). */
function ironicWithAvailableNodes() {
  const ironic = createFakeIronicDriver({ deployMs: DEPLOY_MS, now: () => Date.now(), pollMs: 5_000 });
  for (const n of ['n1', 'n2']) ironic.seed({ name: n, provisionState: 'available', digest: `nd-${n}` });
  return ironic;
}

async function settle<T>(p: Promise<T>, stepMs = 1_000, maxMs = 40 * 60_000): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  for (let t = 0; !done && t < maxMs; t += stepMs) await vi.advanceTimersByTimeAsync(stepMs);
  return out;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('node steps requeue (CLI: the executor waits between passes)', () => {
  it('runs independent steps meanwhile, serves two deploys with one Ironic slot, and ends when the nodes are done', async () => {
    const w = workflow();
    const helm = createFakeHelmDriver();
    const ironic = ironicWithAvailableNodes();
    const events: { at: number; e: StepEvent }[] = [];
    const t0 = Date.now();
    const diff = diffWorkflow(w, { releases: [], nodes: await ironic.list() });
    const result = await settle(
      executeWorkflow(
        w,
        diff,
        { helm, ironic },
        {
          concurrency: { ironic: 1 },
          onEvent: (e) => events.push({ at: Date.now() - t0, e }),
        },
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.waiting).toEqual([]);
    const finishedAt = (id: string) =>
      events.find(({ e }) => e.type === 'finish' && e.result.stepId === id)?.at ?? Number.NaN;
    // `free` did not wait for the deploys; `after` did.
    expect(finishedAt('release/ns/free')).toBeLessThan(DEPLOY_MS / 10);
    expect(finishedAt('release/ns/after')).toBeGreaterThanOrEqual(DEPLOY_MS);
    // One Ironic slot, two 60 s deploys: they ran side by side (the slot is free between passes).
    expect(finishedAt('node/n1')).toBeLessThan(DEPLOY_MS + 10_000);
    expect(finishedAt('node/n2')).toBeLessThan(DEPLOY_MS + 10_000);
    expect(events.filter(({ e }) => e.type === 'requeue').length).toBeGreaterThanOrEqual(2 * (DEPLOY_MS / 5_000) - 2);
    expect(ironic.node('n1')).toMatchObject({ provisionState: 'active', deployedDigest: 'nd-n1' });
  });

  it('an aborted signal ends the wait at once, the step failed as cancelled', async () => {
    const w = workflow();
    const ironic = ironicWithAvailableNodes();
    const abort = new AbortController();
    const diff = diffWorkflow(w, { releases: [], nodes: await ironic.list() });
    const p = executeWorkflow(w, diff, { helm: createFakeHelmDriver(), ironic }, { signal: abort.signal });
    await vi.advanceTimersByTimeAsync(10_000);
    abort.abort(new Error('interrupted'));
    const result = await settle(p, 100, 1_000);
    expect(result.ok).toBe(false);
    expect(result.results.find((r) => r.stepId === 'node/n1')).toMatchObject({
      outcome: 'failed',
      message: 'cancelled: interrupted',
    });
  });
});

describe('node steps requeue (operator: the run returns)', () => {
  it('ends waiting with the carry, applies what does not depend on the nodes, then resumes from the carry', async () => {
    const w = workflow();
    const helm = createFakeHelmDriver();
    const ironic = ironicWithAvailableNodes();
    const run = async (carries?: Map<string, import('../drivers/types.js').NodeCarry>) => {
      const diff = diffWorkflow(w, { releases: await helm.list(), nodes: await ironic.list() });
      return executeWorkflow(w, diff, { helm, ironic }, { nodeWaits: 'return', ...(carries ? { carries } : {}) });
    };
    const first = await run();
    expect(first.ok).toBe(true);
    const outcome = Object.fromEntries(first.results.map((r) => [r.stepId, r.outcome]));
    expect(outcome).toEqual({
      'node/n1': 'waiting',
      'node/n2': 'waiting',
      'release/ns/after': 'waiting',
      'release/ns/free': 'created',
    });
    expect(first.waiting.map((x) => [x.stepId, x.afterMs, x.carry.issued])).toEqual([
      ['node/n1', 5_000, ['active']],
      ['node/n2', 5_000, ['active']],
    ]);
    const startedAt = first.waiting[0]!.carry.startedAt;
    // The run returned at once: the fake clock did not move.
    expect(Date.now()).toBe(startedAt);

    await vi.advanceTimersByTimeAsync(30_000);
    const carries = new Map(first.waiting.map((x) => [x.stepId, x.carry]));
    const second = await run(carries);
    expect(second.waiting.map((x) => x.carry.startedAt)).toEqual([startedAt, startedAt]);
    expect(ironic.writes).toBe(2); // the two deploys, started once

    await vi.advanceTimersByTimeAsync(31_000);
    const third = await run(new Map(second.waiting.map((x) => [x.stepId, x.carry])));
    expect(third.waiting).toEqual([]);
    expect(Object.fromEntries(third.results.map((r) => [r.stepId, r.outcome]))).toMatchObject({
      'node/n1': 'changed',
      'node/n2': 'changed',
      'release/ns/after': 'created',
    });
  });
  it('a node that got to its target between two passes is what the carried operation did, not unchanged', async () => {
    const w = workflow();
    const helm = createFakeHelmDriver();
    const ironic = ironicWithAvailableNodes();
    const run = async (carries?: Map<string, import('../drivers/types.js').NodeCarry>) => {
      const diff = diffWorkflow(w, { releases: await helm.list(), nodes: await ironic.list() });
      return {
        diff,
        result: await executeWorkflow(
          w,
          diff,
          { helm, ironic },
          { nodeWaits: 'return', ...(carries ? { carries } : {}) },
        ),
      };
    };
    const first = await run();
    await vi.advanceTimersByTimeAsync(120_000); // the deploys finish while no pass runs
    const second = await run(new Map(first.result.waiting.map((x) => [x.stepId, x.carry])));
    expect(second.diff.decisions.get('node/n1')?.action).toBe('none'); // in sync by now
    expect(Object.fromEntries(second.result.results.map((r) => [r.stepId, r.outcome]))).toMatchObject({
      'node/n1': 'changed',
      'node/n2': 'changed',
    });
    expect(ironic.writes).toBe(2);
  });
});
