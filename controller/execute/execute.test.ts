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
});
