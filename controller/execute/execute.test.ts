import { describe, expect, it } from 'vitest';
import { diffWorkflow } from '../diff/index.js';
import { createFakeHelmDriver } from '../drivers/helm/fake.js';
import { createFakeIronicDriver } from '../drivers/ironic/fake.js';
import type { NodeSpec, ReleaseSpec } from '../drivers/types.js';
import type { Phase, Step, Workflow } from '../plan/types.js';
import { executeWorkflow, type StepEvent } from './index.js';

const origin = { schema: 's', name: 'n', at: 'f:1' };

function release(name: string, group: string, extra: Partial<ReleaseSpec> = {}): Step {
  const spec: ReleaseSpec = {
    name,
    namespace: 'ns',
    chartPath: '/charts/x',
    values: { v: 1 },
    wait: { enabled: true, timeoutSeconds: 60 },
    test: { enabled: false, timeoutSeconds: 60 },
    preUpgradeDelete: [],
    protected: false,
    timeoutSeconds: 60,
    digest: `digest-${name}`,
    ...extra,
  };
  return {
    kind: 'release',
    id: `release/ns/${name}`,
    phase: group,
    dependsOn: [],
    digest: spec.digest,
    origin,
    secretPaths: [],
    spec,
  };
}

function node(name: string): Step {
  const spec: NodeSpec = {
    name,
    bmc: { address: `fake://${name}` },
    properties: {},
    inspect: false,
    target: 'available',
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

/** A workflow linked as the planner links it: each phase after the previous; sequenced phases in a chain. */
function workflow(phases: Phase[]): Workflow {
  let previous: string[] = [];
  for (const p of phases) {
    p.steps.forEach((s, i) => (s.dependsOn = p.sequenced && i > 0 ? [p.steps[i - 1]!.id] : [...previous]));
    previous = p.sequenced ? [p.steps[p.steps.length - 1]!.id] : p.steps.map((s) => s.id);
  }
  return { phases, digest: 'w' };
}

function site() {
  return workflow([
    { name: 'baremetal', kind: 'baremetal', sequenced: false, steps: [node('n1'), node('n2')] },
    { name: 'infra', kind: 'chart-group', sequenced: true, steps: [release('a', 'infra'), release('b', 'infra')] },
    { name: 'apps', kind: 'chart-group', sequenced: false, steps: [release('c', 'apps'), release('d', 'apps')] },
    { name: 'ops', kind: 'chart-group', sequenced: false, steps: [release('e', 'ops')] },
  ]);
}

async function apply(
  w: Workflow,
  helm = createFakeHelmDriver(),
  ironic = createFakeIronicDriver(),
  events: StepEvent[] = [],
) {
  const observed = { releases: await helm.list(), nodes: await ironic.list() };
  const result = await executeWorkflow(
    w,
    diffWorkflow(w, observed),
    { helm, ironic },
    { onEvent: (e) => events.push(e) },
  );
  return { result, helm, ironic, events };
}

const outcomes = (r: { results: { stepId: string; outcome: string }[] }) =>
  Object.fromEntries(r.results.map((x) => [x.stepId, x.outcome]));

describe('executeWorkflow', () => {
  it('creates everything, in dependency order', async () => {
    const { result, events } = await apply(site());
    expect(result.ok).toBe(true);
    expect(Object.values(outcomes(result))).toEqual(Array(7).fill('created'));
    const finished = events.filter((e) => e.type === 'finish').map((e) => (e.type === 'finish' ? e.result.stepId : ''));
    const at = (id: string) => finished.indexOf(id);
    expect(Math.max(at('node/n1'), at('node/n2'))).toBeLessThan(at('release/ns/a'));
    expect(at('release/ns/a')).toBeLessThan(at('release/ns/b'));
    expect(at('release/ns/b')).toBeLessThan(Math.min(at('release/ns/c'), at('release/ns/d')));
    expect(Math.max(at('release/ns/c'), at('release/ns/d'))).toBeLessThan(at('release/ns/e'));
  });

  it('a second apply of the same site makes no helm call and no Ironic write', async () => {
    const first = await apply(site());
    const helmCalls = first.helm.count();
    first.ironic.resetCounters();
    const second = await apply(site(), first.helm, first.ironic);
    expect(second.result.ok).toBe(true);
    expect(new Set(Object.values(outcomes(second.result)))).toEqual(new Set(['unchanged']));
    expect(first.helm.count() - helmCalls).toBe(0);
    expect(first.ironic.writes).toBe(0);
  });

  it('a changed value upgrades exactly that release', async () => {
    const first = await apply(site());
    const changed = site();
    const c = changed.phases[2]!.steps[0]!;
    if (c.kind === 'release') c.spec.digest = c.digest = 'digest-c-2';
    const before = first.helm.count('upgrade');
    const second = await apply(changed, first.helm, first.ironic);
    expect(outcomes(second.result)['release/ns/c']).toBe('changed');
    expect(first.helm.count('upgrade') - before).toBe(1);
    expect(first.helm.count('install')).toBe(5);
  });

  it("a chart that fails stops its group and every later group, names the release and helm's message, and leaves earlier groups alone", async () => {
    const helm = createFakeHelmDriver();
    helm.fail('c', {
      actions: ['install'],
      message: 'Error: INSTALLATION FAILED: execution error at (demo-fail/templates/x.yaml:1:4): boom',
    });
    const { result } = await apply(site(), helm);
    expect(result.ok).toBe(false);
    expect(outcomes(result)).toEqual({
      'node/n1': 'created',
      'node/n2': 'created',
      'release/ns/a': 'created',
      'release/ns/b': 'created',
      'release/ns/c': 'failed',
      'release/ns/d': 'created',
      'release/ns/e': 'skipped',
    });
    const c = result.results.find((r) => r.stepId === 'release/ns/c')!;
    expect(c.message).toBe(
      'helm install ns/c failed: Error: INSTALLATION FAILED: execution error at (demo-fail/templates/x.yaml:1:4): boom',
    );
    // the failed install was purged and retried once before giving up
    expect(helm.calls.filter((x) => x.release === 'c').map((x) => x.action)).toEqual([
      'install',
      'uninstall',
      'install',
    ]);
  });

  it('a failed step in a sequenced group skips the rest of the group', async () => {
    const helm = createFakeHelmDriver();
    helm.fail('a');
    const { result } = await apply(site(), helm);
    expect(outcomes(result)['release/ns/b']).toBe('skipped');
    expect(helm.calls.some((x) => x.release === 'b')).toBe(false);
  });

  it('a protected release that fails to install is not purged', async () => {
    const helm = createFakeHelmDriver();
    helm.fail('a');
    const w = site();
    const a = w.phases[1]!.steps[0]!;
    if (a.kind === 'release') a.spec.protected = true;
    await apply(w, helm);
    expect(helm.calls.filter((x) => x.release === 'a').map((x) => x.action)).toEqual(['install']);
  });

  it('a failed upgrade is rolled back to the last deployed revision', async () => {
    const first = await apply(site());
    first.helm.fail('c', { actions: ['upgrade'], message: 'Error: UPGRADE FAILED: timed out' });
    const changed = site();
    const c = changed.phases[2]!.steps[0]!;
    if (c.kind === 'release') c.spec.digest = 'digest-c-2';
    const { result } = await apply(changed, first.helm, first.ironic);
    expect(result.results.find((r) => r.stepId === 'release/ns/c')!.message).toBe(
      'helm upgrade ns/c failed: Error: UPGRADE FAILED: timed out (rolled back to revision 1)',
    );
    expect(first.helm.history('c', 'ns').map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
  });

  it("a node whose deploy fails surfaces Ironic's last_error and stops the software", async () => {
    const ironic = createFakeIronicDriver();
    ironic.failNext('n2', 'clean failed', 'Failed to tear down: BMC said no');
    const { result, helm } = await apply(site(), undefined, ironic);
    expect(result.results.find((r) => r.stepId === 'node/n2')!.message).toContain('Failed to tear down: BMC said no');
    expect(helm.count()).toBe(0);
  });

  it('a node whose BMC refuses verification fails with the code BmcVerificationFailed and stays enrolled', async () => {
    const ironic = createFakeIronicDriver();
    ironic.failNext(
      'n2',
      'enroll',
      'Failed to get power state: ipmitool said: Unable to establish IPMI v2 / RMCP+ session',
    );
    const { result, helm } = await apply(site(), undefined, ironic);
    expect(result.results.find((r) => r.stepId === 'node/n2')!.message).toBe(
      'BmcVerificationFailed: node n2: Ironic could not verify its BMC, the node stays in enroll: Failed to get power state: ipmitool said: Unable to establish IPMI v2 / RMCP+ session',
    );
    expect(ironic.node('n2')!.provisionState).toBe('enroll');
    expect(helm.count()).toBe(0);
  });

  it('runs at most `concurrency.helm` releases at once', async () => {
    const steps = Array.from({ length: 12 }, (_, i) => release(`r${i}`, 'g'));
    const w = workflow([{ name: 'g', kind: 'chart-group', sequenced: false, steps }]);
    const helm = createFakeHelmDriver();
    let running = 0;
    let peak = 0;
    const slow = {
      ...helm,
      install: async (s: ReleaseSpec) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return helm.install(s);
      },
    };
    const ironic = createFakeIronicDriver();
    const result = await executeWorkflow(
      w,
      diffWorkflow(w, { releases: [], nodes: [] }),
      { helm: slow, ironic },
      { concurrency: { helm: 3 } },
    );
    expect(result.ok).toBe(true);
    expect(peak).toBe(3);
  });

  it('steps finished in an earlier run are not run again (resume)', async () => {
    const helm = createFakeHelmDriver();
    const w = site();
    const ironic = createFakeIronicDriver();
    const result = await executeWorkflow(
      w,
      diffWorkflow(w, { releases: [], nodes: [] }),
      { helm, ironic },
      { completed: new Set(['node/n1', 'node/n2', 'release/ns/a']) },
    );
    expect(result.ok).toBe(true);
    expect(helm.calls.some((x) => x.release === 'a')).toBe(false);
    expect(ironic.calls.filter((c) => c.op === 'ensure')).toEqual([]);
  });

  it('a release stuck in pending-upgrade past its timeout is rolled back, then upgraded', async () => {
    const helm = createFakeHelmDriver();
    const old = new Date(Date.now() - 3600_000).toISOString();
    helm.seed('a', 'ns', [
      { status: 'superseded', digest: 'digest-old', updatedAt: old },
      { status: 'pending-upgrade', digest: 'digest-a', updatedAt: old },
    ]);
    const w = workflow([{ name: 'infra', kind: 'chart-group', sequenced: false, steps: [release('a', 'infra')] }]);
    const result = await executeWorkflow(w, diffWorkflow(w, { releases: await helm.list(), nodes: [] }), {
      helm,
      ironic: createFakeIronicDriver(),
    });
    expect(result.ok).toBe(true);
    expect(helm.calls.filter((c) => c.release === 'a').map((c) => c.action)).toEqual(['rollback', 'upgrade']);
    expect(helm.history('a', 'ns').at(-1)).toMatchObject({ status: 'deployed', digest: 'digest-a' });
  });

  it('what diff prints is what runs: each decided action maps to one sequence of helm calls', async () => {
    const old = new Date(Date.now() - 3600_000).toISOString();
    const rows: Array<{
      name: string;
      seed: Array<{
        status: 'deployed' | 'failed' | 'superseded' | 'pending-upgrade' | 'uninstalling';
        digest?: string;
      }>;
      action: string;
      calls: string[];
    }> = [
      { name: 'absent', seed: [], action: 'install', calls: ['install'] },
      { name: 'in sync', seed: [{ status: 'deployed', digest: 'digest-a' }], action: 'none', calls: [] },
      { name: 'changed', seed: [{ status: 'deployed', digest: 'digest-old' }], action: 'upgrade', calls: ['upgrade'] },
      {
        name: 'failed over a deployed revision',
        seed: [
          { status: 'superseded', digest: 'digest-old' },
          { status: 'failed', digest: 'digest-a' },
        ],
        action: 'unlock',
        calls: ['rollback', 'upgrade'],
      },
      {
        name: 'failed, never deployed',
        seed: [{ status: 'failed' }],
        action: 'reinstall',
        calls: ['uninstall', 'install'],
      },
      {
        name: 'stuck uninstalling',
        seed: [{ status: 'uninstalling', digest: 'digest-a' }],
        action: 'reinstall',
        calls: ['uninstall', 'install'],
      },
    ];
    for (const row of rows) {
      const helm = createFakeHelmDriver();
      if (row.seed.length)
        helm.seed(
          'a',
          'ns',
          row.seed.map((r) => ({ ...r, updatedAt: old })),
        );
      const w = workflow([{ name: 'infra', kind: 'chart-group', sequenced: false, steps: [release('a', 'infra')] }]);
      const diff = diffWorkflow(w, { releases: await helm.list(), nodes: [] });
      expect(diff.decisions.get('release/ns/a')!.action, row.name).toBe(row.action);
      const result = await executeWorkflow(w, diff, { helm, ironic: createFakeIronicDriver() });
      expect(result.ok, row.name).toBe(true);
      expect(
        helm.calls.filter((c) => c.action !== 'list').map((c) => c.action),
        row.name,
      ).toEqual(row.calls);
    }
  });

  it('a hand-run helm upgrade or rollback (a revision Slipway did not make) is upgraded over', async () => {
    const first = await apply(site());
    first.helm.handRun('a', 'ns', {});
    const upgradedByHand = diffWorkflow(site(), {
      releases: await first.helm.list(),
      nodes: await first.ironic.list(),
    });
    expect(upgradedByHand.decisions.get('release/ns/a')).toMatchObject({ state: 'out-of-band', action: 'upgrade' });
    expect(upgradedByHand.changes).toBe(1);
    const before = first.helm.count('upgrade');
    const second = await apply(site(), first.helm, first.ironic);
    expect(outcomes(second.result)['release/ns/a']).toBe('changed');
    expect(first.helm.count('upgrade') - before).toBe(1);
    const third = diffWorkflow(site(), { releases: await first.helm.list(), nodes: await first.ironic.list() });
    expect(third.changes).toBe(0);
  });

  it('drift: enabled repairs the drifted objects with no new revision; warn only reports; disabled does not look', async () => {
    const first = await apply(site());
    const cm = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'ns' },
      data,
    });
    first.helm.setObjects('c', 'ns', [
      {
        ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'cm' },
        manifest: cm({ k: 'v' }),
        live: cm({ k: 'edited' }),
        applied: cm({ k: 'v' }),
      },
    ]);
    const observed = async () => ({
      releases: await first.helm.list(),
      nodes: await first.ironic.list(),
      objects: new Map([['ns/c', await first.helm.objects('c', 'ns')]]),
    });
    const off = diffWorkflow(site(), await observed(), new Date(), { driftDetection: 'disabled' });
    expect(off.decisions.get('release/ns/c')).toMatchObject({ state: 'in-sync', action: 'none' });
    const warn = diffWorkflow(site(), await observed(), new Date(), { driftDetection: 'warn' });
    expect(warn.decisions.get('release/ns/c')).toMatchObject({ state: 'drifted', action: 'none' });
    expect(warn.changes).toBe(0);
    const on = diffWorkflow(site(), await observed(), new Date(), { driftDetection: 'enabled' });
    expect(on.decisions.get('release/ns/c')).toMatchObject({
      state: 'drifted',
      action: 'repair',
      drift: [{ ref: { kind: 'ConfigMap', name: 'cm' }, fields: [{ path: '/data/k', live: 'edited', desired: 'v' }] }],
    });
    const revisions = first.helm.history('c', 'ns').length;
    const result = await executeWorkflow(site(), on, { helm: first.helm, ironic: first.ironic });
    expect(outcomes(result)['release/ns/c']).toBe('changed');
    expect(first.helm.calls.filter((c) => c.action === 'repair')).toEqual([
      { action: 'repair', release: 'c', namespace: 'ns', objects: ['ConfigMap/cm'] },
    ]);
    expect(first.helm.history('c', 'ns')).toHaveLength(revisions);
    expect(diffWorkflow(site(), await observed(), new Date(), { driftDetection: 'enabled' }).changes).toBe(0);
  });
});
