// (c) kill -9 of the controller at 5 random points during a workflow → after restarts it
//     finishes, with no duplicate Ironic node and no release left pending-*.
// (f) two replicas with --leader-elect → only the leader acts; the other takes over when
//     the leader dies.
// (g) the kube-apiserver restarted in the middle of a workflow → the controller recovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSite } from '../controller/operator/reconcile/sample-site.js';
import {
  applyCrds,
  applySite,
  type ControllerProcess,
  cleanupNamespace,
  cond,
  createNamespace,
  getSite,
  helmRevisions,
  ironicNodes,
  kube,
  kubectl,
  removeIronicNodes,
  startController,
  waitFor,
} from './operator-harness.js';
import { restartApiserver } from './support/apiserver.js';

const controllers: ControllerProcess[] = [];
const namespaces: string[] = [];
const prefixes: string[] = [];
const figures: Record<string, unknown> = {};

beforeAll(() => applyCrds());
afterAll(async () => {
  for (const c of controllers) await c.kill('SIGKILL');
  for (const ns of namespaces) cleanupNamespace(ns);
  for (const p of prefixes) await removeIronicNodes(p).catch(() => undefined);
  console.log(`operator resilience figures: ${JSON.stringify(figures)}`);
});

const stepsDone = (ns: string, name: string) =>
  (getSite(ns, name)?.status?.workflow?.phases ?? [])
    .flatMap((p) => p.steps)
    .filter((s) => s.state === 'Succeeded' || s.state === 'Unchanged').length;

describe('slipway controller: crashes and replicas', () => {
  it('(c) kill -9 at 5 random points: it finishes, no duplicate Ironic node, no release pending-*, no finished step repeated', async () => {
    const ns = createNamespace('op-kill');
    namespaces.push(ns);
    prefixes.push(ns);
    // 6 nodes, then 10 releases installed one at a time: a workflow of several seconds.
    const site = testSite({
      name: 'crashy',
      namespace: ns,
      releases: 10,
      nodes: 6,
      nodePrefix: ns,
      spec: { concurrency: { helm: 1, ironic: 2 } },
    });
    applySite(site);
    // Each controller is killed at a random moment after it has made some progress (a step
    // finished since the last kill), so the five kills spread over the workflow.
    const kills: { afterMs: number; stepsDone: number; running: string[] }[] = [];
    let done = 0;
    for (let i = 0; i < 5; i++) {
      const ctl = startController({ args: ['--namespace', ns] });
      controllers.push(ctl);
      await waitFor(
        'progress',
        () => stepsDone(ns, 'crashy') > done || (i === 0 && ctl.logs.some((l) => l.msg === 'step started')),
        120_000,
        50,
      );
      const afterMs = Math.floor(Math.random() * 1_500);
      await new Promise((r) => setTimeout(r, afterMs));
      await ctl.kill('SIGKILL');
      done = stepsDone(ns, 'crashy');
      const running = (getSite(ns, 'crashy')?.status?.workflow?.phases ?? [])
        .flatMap((p) => p.steps)
        .filter((s) => s.state === 'Running')
        .map((s) => s.id.split('/').pop()!);
      kills.push({ afterMs, stepsDone: done, running });
    }
    figures.kills = kills;
    const last = startController({ args: ['--namespace', ns] });
    controllers.push(last);
    kubectl(['wait', '--for=condition=Ready', 'site/crashy', '-n', ns, '--timeout=300s']);
    const s = getSite(ns, 'crashy')!;
    expect(cond(s, 'Ready')?.status).toBe('True');
    // No duplicate Ironic node: each name once.
    const nodes = await ironicNodes(ns);
    expect(nodes.names.sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${ns}-node-${i}`));
    // No release pending-*, each release deployed; no release installed twice.
    const releases = helmRevisions(ns);
    expect(releases.size).toBe(10);
    for (const [name, revs] of releases) {
      expect(
        revs.some((r) => r.status.startsWith('pending')),
        `${name}: ${JSON.stringify(revs)}`,
      ).toBe(false);
      expect(revs[revs.length - 1]!.status, name).toBe('deployed');
    }
    figures.helmRevisionsAfterKills = Object.fromEntries([...releases].map(([n, r]) => [n, r.length]));
    // The last controller did not re-run steps that were already done when it started.
    const started = last.logs.filter((l) => l.msg === 'step started').map((l) => l.step);
    figures.stepsRunByLastController = started;
    // No step finished twice across the six controllers.
    const succeeded = controllers.flatMap((c) =>
      c.logs.filter((l) => l.msg === 'step succeeded' && l.site === `${ns}/crashy`).map((l) => String(l.step)),
    );
    expect(succeeded.length).toBe(new Set(succeeded).size);
    figures.stepsSucceededAcrossControllers = succeeded.length;
  });

  it('(f) two replicas with --leader-elect: only the leader acts; the other takes over when it dies', async () => {
    const ns = createNamespace('op-leader');
    namespaces.push(ns);
    prefixes.push(ns);
    const args = ['--namespace', ns, '--leader-elect', '--leader-election-namespace', ns];
    const a = startController({ args });
    controllers.push(a);
    await waitFor('replica a to lead', () => a.logs.some((l) => l.msg === 'workers started'), 60_000);
    const b = startController({ args });
    controllers.push(b);
    await waitFor('replica b to sync', () => b.logs.some((l) => l.msg === 'synced'), 60_000);
    applySite(testSite({ name: 'led', namespace: ns, releases: 1, nodes: 1, nodePrefix: ns }));
    kubectl(['wait', '--for=condition=Ready', 'site/led', '-n', ns, '--timeout=180s']);
    const acted = (c: ControllerProcess) =>
      c.logs.filter(
        (l) => l.site === `${ns}/led` && (l.msg === 'step started' || l.msg === 'applying' || l.msg === 'reconciled'),
      ).length;
    await waitFor("replica a's log lines about the Site", () => acted(a) > 0, 10_000);
    const dump = (c: ControllerProcess) =>
      JSON.stringify(
        c.logs
          .filter((l) => l.level !== 'debug' || l.site)
          .map((l) => `${l.ts} ${l.msg} ${l.site ?? ''}`)
          .slice(-25),
      );
    expect(acted(a), `a: ${dump(a)}\nb: ${dump(b)}`).toBeGreaterThan(0);
    expect(acted(b)).toBe(0);
    expect(b.logs.some((l) => l.msg === 'workers started')).toBe(false);
    // The leader dies: b takes over (within the 15 s lease) and acts on a change.
    const killed = Date.now();
    await a.kill('SIGKILL');
    await waitFor('replica b to lead', () => b.logs.some((l) => l.msg === 'workers started'), 45_000, 100);
    figures.takeoverMs = Date.now() - killed;
    expect(figures.takeoverMs as number).toBeLessThan(30_000);
    const site = getSite(ns, 'led')!;
    applySite(testSite({ name: 'led', namespace: ns, releases: 2, nodes: 1, nodePrefix: ns }));
    await waitFor(
      'b applies the change',
      () => {
        const x = getSite(ns, 'led');
        return (
          x?.status?.releases?.total === 2 &&
          cond(x, 'Ready')?.status === 'True' &&
          x.metadata.generation !== site.metadata.generation
        );
      },
      180_000,
      200,
    );
    expect(acted(b)).toBeGreaterThan(0);
    expect(helmRevisions(ns).size).toBe(2);
  });

  it('(g) the kube-apiserver restarted mid-workflow (down 5 s): the controller recovers and finishes, nothing pending, no duplicate node', async () => {
    const ns = createNamespace('op-apirestart');
    namespaces.push(ns);
    prefixes.push(ns);
    const ctl = startController({ args: ['--namespace', ns] });
    controllers.push(ctl);
    applySite(
      testSite({
        name: 'bumpy',
        namespace: ns,
        releases: 6,
        nodes: 2,
        nodePrefix: ns,
        spec: { concurrency: { helm: 1 } },
      }),
    );
    await waitFor(
      'a release step to start',
      () => ctl.logs.some((l) => l.msg === 'step started' && String(l.step).startsWith('release/')),
      120_000,
      50,
    );
    const restart = await restartApiserver(kube().kubeconfig, { downMs: 5_000 });
    figures.apiserverRestart = restart;
    const s = await waitFor(
      'Ready after the restart',
      () => {
        const x = getSite(ns, 'bumpy');
        return cond(x, 'Ready')?.status === 'True' && x;
      },
      300_000,
      500,
    );
    expect(s.status?.releases).toEqual({ ready: 6, total: 6 });
    expect((await ironicNodes(ns)).names.sort()).toEqual([`${ns}-node-0`, `${ns}-node-1`]);
    for (const [name, revs] of helmRevisions(ns)) {
      expect(
        revs.some((r) => r.status.startsWith('pending')),
        `${name}: ${JSON.stringify(revs)}`,
      ).toBe(false);
      expect(revs[revs.length - 1]!.status, name).toBe('deployed');
    }
    figures.afterRestart = {
      statusWriteFailures: ctl.logs.filter((l) => l.msg === 'status update failed; will retry').length,
      reconcileErrors: ctl.logs.filter((l) => l.msg === 'reconcile failed').length,
    };
  });

  it('(h) SIGTERM during a helm install: no new step starts, the running helm finishes (deployed, not pending), exit 0; the next controller finishes the rest', async () => {
    const ns = createNamespace('op-term');
    namespaces.push(ns);
    const ctl = startController({ args: ['--namespace', ns] });
    controllers.push(ctl);
    applySite(testSite({ name: 'term', namespace: ns, releases: 4, nodes: 0, spec: { concurrency: { helm: 1 } } }));
    const first = await waitFor(
      'a release step to start',
      () => ctl.logs.find((l) => l.msg === 'step started' && String(l.step).startsWith('release/')),
      120_000,
      10,
    );
    ctl.child.kill('SIGTERM');
    const code = await ctl.exited;
    expect(code).toBe(0);
    const releases = helmRevisions(ns);
    const name = String(first.step).split('/').pop()!;
    expect(releases.get(name)?.map((r) => r.status)).toEqual(['deployed']);
    expect([...releases.values()].flat().some((r) => r.status.startsWith('pending'))).toBe(false);
    expect(releases.size).toBeLessThan(4);
    figures.releasesWhenStopped = releases.size;
    const next = startController({ args: ['--namespace', ns] });
    controllers.push(next);
    kubectl(['wait', '--for=condition=Ready', 'site/term', '-n', ns, '--timeout=180s']);
    expect([...helmRevisions(ns).values()].map((r) => r.length)).toEqual([1, 1, 1, 1]);
  });
});
