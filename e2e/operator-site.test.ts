// The operator end to end, with the controller as a child process against the local
// Kubernetes control plane, the pinned helm and the local Ironic:
//   (a) an inline Site → Ready; time from `kubectl apply` to the first workflow step;
//       an unchanged Site reconciles fast with zero helm processes
//   (d) suspend: true → nothing happens
//   (e) deletionPolicy Delete → releases uninstalled, nodes removed, finalizer removed
// Every test has its own namespace and a controller limited to it (--namespace).

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALIZER, REQUESTED_AT } from '../controller/operator/api/types.js';
import { testDocuments, testSite } from '../controller/operator/reconcile/sample-site.js';
import {
  applyCrds,
  applySite,
  type ControllerProcess,
  cleanupNamespace,
  cond,
  createNamespace,
  getSite,
  helmRevisions,
  helmShim,
  ironicNodes,
  kube,
  kubectl,
  removeIronicNodes,
  startController,
  waitFor,
} from './operator-harness.js';
import { requireIronic } from './support/env.js';

const controllers: ControllerProcess[] = [];
const namespaces: string[] = [];
const prefixes: string[] = [];
const figures: Record<string, unknown> = {};

beforeAll(() => applyCrds());
afterAll(async () => {
  for (const c of controllers) await c.kill('SIGTERM');
  for (const ns of namespaces) cleanupNamespace(ns);
  for (const p of prefixes) await removeIronicNodes(p).catch(() => undefined);
  console.log(`operator figures: ${JSON.stringify(figures)}`);
});

function setup(tag: string) {
  const ns = createNamespace(`op-${tag}`);
  namespaces.push(ns);
  const prefix = `${ns}`;
  prefixes.push(prefix);
  return { ns, prefix };
}

describe('slipway controller: inline Sites', () => {
  it('(a) kubectl apply of an inline Site → Ready; time to the first step recorded; Events; an unchanged Site reconciles with zero helm processes', async () => {
    const { ns, prefix } = setup('inline');
    const shim = helmShim();
    const ctl = startController({ args: ['--namespace', ns], helm: shim.path });
    controllers.push(ctl);
    await waitFor('controller workers', () => ctl.logs.some((l) => l.msg === 'workers started'), 30_000);
    const site = testSite({ name: 'inline', namespace: ns, releases: 2, nodes: 1, nodePrefix: prefix });
    const applied = Date.now();
    applySite(site);
    // kubectl itself (process start, API discovery) takes a while; the Site exists once it returns.
    const created = Date.now();
    const firstStep = await waitFor(
      'a step start in the logs',
      () => ctl.logs.find((l) => l.msg === 'step started' && l.site === `${ns}/inline`),
      30_000,
      10,
    );
    figures.applyToFirstStepMs = Date.parse(String(firstStep.ts)) - applied;
    figures.kubectlApplyMs = created - applied;
    figures.createdToFirstStepMs = Date.parse(String(firstStep.ts)) - created;
    kubectl(['wait', '--for=condition=Ready', 'site/inline', '-n', ns, '--timeout=180s']);
    const s = getSite(ns, 'inline')!;
    const firstStarted = Math.min(
      ...s.status!.workflow!.phases.flatMap((p) => p.steps).map((x) => Date.parse(x.startedAt!)),
    );
    figures.applyToFirstStepStartedAtMs = firstStarted - applied;
    // The target (< 1 s from apply to the first step) is a figure reported from this run, not a
    // pass/fail line: on a loaded 2-core machine it varies. This bound only says it started promptly.
    expect(figures.applyToFirstStepMs as number).toBeLessThan(15_000);
    expect(s.metadata.finalizers).toContain(FINALIZER);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', observedGeneration: s.metadata.generation });
    expect(s.status).toMatchObject({
      nodes: { ready: 1, total: 1 },
      releases: { ready: 2, total: 2 },
      summary: { nodes: '1/1', releases: '2/2' },
    });
    expect(s.status?.lastAppliedRevision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(s.status?.history?.[0]).toMatchObject({ result: 'Succeeded' });
    expect([...helmRevisions(ns).entries()].map(([n, r]) => [n, r.map((x) => x.status)])).toEqual([
      ['inline-cfg-0', ['deployed']],
      ['inline-cfg-1', ['deployed']],
    ]);
    expect((await ironicNodes(prefix)).names).toEqual([`${prefix}-node-0`]);
    const events = kubectl(['get', 'events', '-n', ns, '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
    expect(events).toContain('StepStarted');
    expect(events).toContain('StepSucceeded');
    // Every log line about the Site carries the Site and, once known, the revision.
    const stepLines = ctl.logs.filter((l) => l.msg.startsWith('step '));
    expect(stepLines.every((l) => l.site === `${ns}/inline` && l.revision === s.status?.lastAppliedRevision)).toBe(
      true,
    );
    // No secret in status, events or logs.
    expect(
      JSON.stringify(s.status) + kubectl(['get', 'events', '-n', ns, '-o', 'json']) + JSON.stringify(ctl.logs),
    ).not.toContain('s3cret-bmc-pw');

    // Unchanged Site: a requestedAt annotation triggers a reconcile that does nothing.
    const helmBefore = shim.count();
    const rv = s.metadata.resourceVersion;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const seen = ctl.logs.length;
      kubectl(['annotate', 'site/inline', '-n', ns, '--overwrite', `${REQUESTED_AT}=${Date.now()}-${i}`]);
      const line = await waitFor(
        'a reconciled line',
        () => ctl.logs.slice(seen).find((l) => l.msg === 'reconciled' && l.site === `${ns}/inline`),
        30_000,
        10,
      );
      times.push(Number(line.durationMs));
    }
    figures.unchangedReconcileMs = times;
    expect(shim.count() - helmBefore).toBe(0);
    // Target < 200 ms (reported as a figure); the bound here says no workflow ran.
    expect(Math.max(...times)).toBeLessThan(5_000);
    const after = getSite(ns, 'inline')!;
    expect(after.status?.history).toHaveLength(1);
    expect(after.metadata.resourceVersion).not.toBe(rv); // annotations changed it...
    expect(after.status?.lastHandledReconcileAt).toMatch(/-4$/);
    figures.rssKiBOneSite = ctl.rssKiB();
    // Metrics: controller-runtime's reconcile counters and Slipway's own.
    const metrics = await (await fetch(`${ctl.metricsUrl()}/metrics`)).text();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="site",result="(success|requeue_after)"\} [1-9]/,
    );
    const own = metrics
      .split('\n')
      .filter((l) => l.startsWith('slipway_'))
      .join('\n');
    expect(metrics, own).toMatch(/slipway_steps_total\{state="Succeeded"\} 3/);
    expect(metrics).toMatch(/slipway_helm_call_duration_seconds_count\{action="install"\} 2/);
    expect(metrics).toMatch(/slipway_ironic_call_duration_seconds_count\{method="POST"\} [1-9]/);
    expect(metrics).toMatch(/slipway_ironic_call_duration_seconds_count\{method="GET"\} [1-9]/);
    expect(metrics).toMatch(/slipway_sites\{condition="Ready"\} 1/);
  });

  it("(a') a render error stalls the Site with file:line and touches nothing", async () => {
    const { ns } = setup('stall');
    const ctl = startController({ args: ['--namespace', ns] });
    controllers.push(ctl);
    const site = testSite({ name: 'bad', namespace: ns, releases: 1, nodes: 0 });
    (site.spec.source.inline!.documents![3] as { data: Record<string, unknown> }).data.wait = { timeout: 'soon' };
    applySite(site);
    const s = await waitFor(
      'Stalled',
      () => {
        const x = getSite(ns, 'bad');
        return cond(x, 'Stalled')?.status === 'True' && x;
      },
      60_000,
      200,
    );
    expect(cond(s, 'Stalled')).toMatchObject({ reason: 'ValidationFailed' });
    expect(cond(s, 'Stalled')?.message).toMatch(/inline\/3:\d+/);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False' });
    expect(helmRevisions(ns).size).toBe(0);
  });

  it("(a'') a Site whose documents are in a ConfigMap: a change to the ConfigMap alone (no Site change) upgrades the one release it touches", async () => {
    const { ns } = setup('cm');
    const ctl = startController({ args: ['--namespace', ns] });
    controllers.push(ctl);
    const text = (v: string) =>
      testDocuments({ name: 'cm', namespace: ns, releases: 2, nodes: 0, value: 'one' })
        .map(
          (d, i) =>
            `---\n${dump(i === 4 ? { ...d, data: { ...(d.data as object), values: { data: { value: v } } } } : d)}`,
        )
        .join('');
    const configMap = (v: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'site-docs', namespace: ns },
        data: { 'site.yaml': text(v) },
      });
    kubectl(['apply', '-f', '-'], configMap('one'));
    applySite({
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'Site',
      metadata: { name: 'cm', namespace: ns },
      spec: { source: { inline: { configMapRefs: [{ name: 'site-docs' }] } } },
    });
    kubectl(['wait', '--for=condition=Ready', 'site/cm', '-n', ns, '--timeout=180s']);
    const first = getSite(ns, 'cm')!.status!.lastAppliedRevision;
    kubectl(['apply', '-f', '-'], configMap('two'));
    const s = await waitFor(
      "the ConfigMap's new revision applied",
      () => {
        const x = getSite(ns, 'cm');
        return x?.status?.lastAppliedRevision !== first && cond(x, 'Ready')?.status === 'True' && x;
      },
      120_000,
      200,
    );
    expect(s.status?.history).toHaveLength(2);
    expect([...helmRevisions(ns).entries()].map(([n, r]) => [n, r.length])).toEqual([
      ['cm-cfg-0', 1],
      ['cm-cfg-1', 2],
    ]);
    // A render error in the ConfigMap names configmap/<name>/<key>:line.
    kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'site-docs', namespace: ns },
        data: { 'site.yaml': `${text('two')}---\nschema: armada/Chart/v1\nmetadata: {name: broken}\ndata: {}\n` },
      }),
    );
    const stalled = await waitFor(
      'Stalled',
      () => {
        const x = getSite(ns, 'cm');
        return cond(x, 'Stalled')?.status === 'True' && x;
      },
      60_000,
      200,
    );
    expect(cond(stalled, 'Stalled')?.message).toMatch(/^configmap\/site-docs\/site\.yaml:\d+: /);
    expect([...helmRevisions(ns).values()].map((r) => r.length)).toEqual([1, 2]);
  });

  it("(a3) target.kubeconfigSecretRef and ironic.credentialsSecretRef: helm runs with the Secret's kubeconfig (a 0600 temp file, removed after), Ironic with the Secret's credentials", async () => {
    const { ns, prefix } = setup('secrets');
    const iron = requireIronic();
    const tmp = mkdtempSync(path.join(tmpdir(), 'slipway-ctl-tmp-'));
    // No Ironic endpoint or credentials of the controller's own: only the Site's.
    const shim = helmShim();
    const ctl = startController({
      args: ['--namespace', ns],
      helm: shim.path,
      env: { IRONIC_URL: '', IRONIC_USERNAME: '', IRONIC_PASSWORD: '', TMPDIR: tmp },
    });
    controllers.push(ctl);
    const secret = (name: string, data: Record<string, string>) =>
      kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: data }),
      );
    secret('remote-kube', { value: readFileSync(kube().kubeconfig, 'utf8') });
    secret('ironic-creds', { username: iron.username, password: iron.password });
    applySite(
      testSite({
        name: 'remote',
        namespace: ns,
        releases: 1,
        nodes: 1,
        nodePrefix: prefix,
        spec: {
          target: { kubeconfigSecretRef: { name: 'remote-kube' } },
          ironic: { url: iron.url, credentialsSecretRef: { name: 'ironic-creds' } },
        },
      }),
    );
    kubectl(['wait', '--for=condition=Ready', 'site/remote', '-n', ns, '--timeout=180s']);
    expect(helmRevisions(ns).size).toBe(1);
    expect((await ironicNodes(prefix)).names).toEqual([`${prefix}-node-0`]);
    expect(
      shim
        .lines()
        .filter((l) => l.startsWith('install '))
        .every((l) => l.includes(`--kubeconfig ${tmp}/slipway-target-`)),
    ).toBe(true);
    expect(shim.lines().some((l) => l.startsWith('install '))).toBe(true);
    // Removed after use. The finalizer the first pass added queues a second pass, which may be
    // using a kubeconfig of its own right now: wait for that one to be gone too.
    const leftover = () => readdirSync(tmp).filter((n) => n.startsWith('slipway-target-'));
    await waitFor('the temporary kubeconfigs removed', () => leftover().length === 0, 30_000, 100).catch(
      () => undefined,
    );
    expect(leftover()).toEqual([]);
    expect(JSON.stringify(ctl.logs)).not.toContain(iron.password);
  });

  it('(d) suspend: true → nothing happens (no finalizer, no status, no release, no node)', async () => {
    const { ns, prefix } = setup('suspend');
    const shim = helmShim();
    const ctl = startController({ args: ['--namespace', ns], helm: shim.path });
    controllers.push(ctl);
    await waitFor('controller workers', () => ctl.logs.some((l) => l.msg === 'workers started'), 30_000);
    applySite(
      testSite({ name: 'sleepy', namespace: ns, releases: 1, nodes: 1, nodePrefix: prefix, spec: { suspend: true } }),
    );
    await waitFor(
      'the reconcile of the suspended Site',
      () => ctl.logs.some((l) => l.site === `${ns}/sleepy` && l.msg === 'suspended: nothing to do'),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const s = getSite(ns, 'sleepy')!;
    expect(s.status ?? {}).toEqual({});
    expect(s.metadata.finalizers ?? []).toEqual([]);
    expect(shim.count()).toBe(0);
    expect(helmRevisions(ns).size).toBe(0);
    expect((await ironicNodes(prefix)).names).toEqual([]);
  });

  it('(e) delete with deletionPolicy Delete → releases uninstalled, nodes removed, then the finalizer', async () => {
    const { ns, prefix } = setup('delete');
    const ctl = startController({ args: ['--namespace', ns] });
    controllers.push(ctl);
    applySite(
      testSite({
        name: 'doomed',
        namespace: ns,
        releases: 2,
        nodes: 2,
        nodePrefix: prefix,
        spec: { deletionPolicy: 'Delete' },
      }),
    );
    kubectl(['wait', '--for=condition=Ready', 'site/doomed', '-n', ns, '--timeout=180s']);
    expect(helmRevisions(ns).size).toBe(2);
    expect((await ironicNodes(prefix)).names.sort()).toEqual([`${prefix}-node-0`, `${prefix}-node-1`]);
    kubectl(['delete', 'site/doomed', '-n', ns, '--wait=false']);
    await waitFor('the Site to go', () => getSite(ns, 'doomed') === undefined, 180_000, 500);
    expect(helmRevisions(ns).size).toBe(0);
    expect((await ironicNodes(prefix)).names).toEqual([]);
    expect(ctl.logs.some((l) => l.msg === 'finalizer removed' && l.site === `${ns}/doomed`)).toBe(true);
  });
});
