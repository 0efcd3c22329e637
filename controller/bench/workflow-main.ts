// `npm run bench` (workflow part), on the local infrastructure (`npm run infra:up`):
//  (a) 300 releases of a tiny chart in 10 groups applied for real from zero, at helm
//      concurrency 4 (target <= 36 s) and again, in fresh namespaces, at concurrency 10
//      (reported); wall time against the critical path of the helm runs themselves (per
//      group: the longest run, or the group's helm time shared by the concurrency) -> overhead;
//      CPU seconds of this process and of its (waited-for) helm children;
//  (b) peak memory of this process plus every process it starts (the helm children): the RSS
//      of the whole process tree summed from /proc, sampled every 20 ms (target <= 250 MB);
//  (c) a no-op re-apply of those 300: wall time (target <= 1 s) and the number of helm
//      processes started (counted by a shim in front of the real binary; target 0);
//  (d) 500 fake-hardware nodes enrolled to `available`: nodes/min through the Ironic driver
//      against a plain concurrent REST loop at the same concurrency.
// The namespaces (and so the releases) it creates are deleted when it ends, fails or is
// interrupted. Not a test: prints figures and exits 0.

import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { diffWorkflow } from '../diff/index.js';
import { benchEnroll } from '../drivers/ironic/bench.js';
import { createDrivers } from '../drivers/select.js';
import { type ExecutionResult, executeWorkflow } from '../execute/index.js';
import { observeSite } from '../pipeline/observe-site.js';
import { planSite } from '../pipeline/site.js';
import type { Workflow } from '../plan/types.js';
import { infraEnv, REPO_ROOT } from './infra-env.js';
import { cleanUpOnSignal } from './interrupt.js';
import { cpuSeconds } from './process-cpu.js';
import { createReleaseSite } from './release-site.js';
import { loadField } from './report.js';
import { TreeRssSampler } from './tree-rss.js';

const RELEASES = Number(process.env.SLIPWAY_BENCH_RELEASES ?? 300);
const GROUPS = Number(process.env.SLIPWAY_BENCH_GROUPS ?? 10);
const NODES = Number(process.env.SLIPWAY_BENCH_NODES ?? 500);
/** Helm concurrencies measured from zero: the first is the target's, the others are reported. */
const HELM_CONCURRENCIES = (process.env.SLIPWAY_BENCH_HELM_CONCURRENCY ?? '4,10').split(',').map(Number);
const IRONIC_CONCURRENCY = 20;
const MB = 1_000_000;

export const RELEASE_TARGETS = {
  /** 300 releases from zero at helm concurrency 4: 2/3 of Flux's 54.8 s. */
  fromZeroMs: 36_000,
  /** Peak RSS of Slipway and every process it starts, at 300 releases. */
  treeRssBytes: 250 * MB,
  /** No-op re-apply of 300 releases: wall time, and no helm process at all. */
  noopMs: 1_000,
  /** Wall time of a run over the critical path of its helm runs. */
  overhead: 0.1,
} as const;

async function main(): Promise<void> {
  const env = infraEnv();
  if (!env?.KUBECONFIG || !env.HELM) {
    console.log('workflow figures skipped: the local infrastructure is not up (npm run infra:up)');
    return;
  }
  await releaseFigures(env);
  if (env.IRONIC_URL && NODES > 0) await nodeFigures(env);
}

const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');

async function releaseFigures(env: Record<string, string>): Promise<void> {
  const shim = await helmShim(env.HELM!);
  const drivers = createDrivers({ kubeconfigPath: env.KUBECONFIG, helmBinary: shim.path });
  const created = new Set<string>();
  const cleanup = async () => {
    const namespaces = [...created];
    created.clear();
    await deleteNamespaces(env.KUBECONFIG!, namespaces);
  };
  const stopListening = cleanUpOnSignal('workflow bench', cleanup);
  try {
    for (const [i, concurrency] of HELM_CONCURRENCIES.entries()) {
      const site = await createReleaseSite({
        releases: RELEASES,
        groups: GROUPS,
        chartPath: join(REPO_ROOT, 'charts/demo-config'),
        prefix: `wfb${Date.now() % 100000}`,
      });
      for (const ns of site.namespaces) created.add(ns);
      try {
        await fromZeroAndNoop(site.documents, site.releases, drivers, concurrency, i === 0, shim);
      } finally {
        await rm(site.root, { recursive: true, force: true });
        // The next run starts from zero on a cluster without this one's objects.
        await cleanup();
        await waitNamespacesGone(env.KUBECONFIG!, site.namespaces);
      }
    }
  } finally {
    await cleanup();
    await shim.remove();
    stopListening();
  }
}

async function fromZeroAndNoop(
  root: string,
  releases: number,
  drivers: ReturnType<typeof createDrivers>,
  concurrency: number,
  targeted: boolean,
  shim: Awaited<ReturnType<typeof helmShim>>,
): Promise<void> {
  const tag = `releases=${releases} groups=${GROUPS} helm_concurrency=${concurrency}`;
  const startCount = await shim.count();
  const cpu0 = cpuSeconds();
  const sampler = new TreeRssSampler().start();
  const first = await applyOnce(root, drivers, concurrency);
  const peak = sampler.stop();
  const cpu1 = cpuSeconds();
  const helmStarted = (await shim.count()) - startCount;
  const failed = first.result.results.filter((r) => r.outcome === 'failed').length;
  const helmMs = first.result.results.map((r) => r.durationMs);
  const critical = criticalPathMs(first.workflow, first.result, concurrency);
  const overhead = (first.wallMs - critical) / critical;
  const zeroOk = first.result.ok && first.wallMs <= RELEASE_TARGETS.fromZeroMs;
  console.log(
    `workflow from_zero ${tag} ok=${first.result.ok} failed_steps=${failed} wall_ms=${first.wallMs.toFixed(0)} ` +
      `cpu_self_s=${(cpu1.self - cpu0.self).toFixed(2)} cpu_children_s=${(cpu1.children - cpu0.children).toFixed(2)} helm_processes=${helmStarted} ` +
      (targeted ? `${verdict(zeroOk)} (target <= ${RELEASE_TARGETS.fromZeroMs} ms) ` : '(reported) ') +
      loadField(),
  );
  console.log(
    `workflow overhead ${tag} critical_path_helm_ms=${critical.toFixed(0)} sum_helm_ms=${helmMs.reduce((a, b) => a + b, 0).toFixed(0)} ` +
      `mean_helm_ms=${(helmMs.reduce((a, b) => a + b, 0) / Math.max(1, helmMs.length)).toFixed(0)} overhead_pct=${(overhead * 100).toFixed(1)} ` +
      `${verdict(overhead < RELEASE_TARGETS.overhead)} (target < ${RELEASE_TARGETS.overhead * 100}%) ${loadField()}`,
  );
  console.log(
    `workflow peak_memory ${tag} tree_rss_mb=${(peak.peakBytes / MB).toFixed(1)} processes_at_peak=${peak.peakProcesses} ` +
      `self_rss_mb=${(peak.selfPeakBytes / MB).toFixed(1)} samples=${peak.samples} ` +
      (targeted
        ? `${verdict(peak.peakBytes <= RELEASE_TARGETS.treeRssBytes)} (target <= ${RELEASE_TARGETS.treeRssBytes / MB} MB) `
        : '(reported) ') +
      loadField(),
  );
  if (!targeted) return;
  const before = await shim.count();
  const second = await applyOnce(root, drivers, concurrency);
  const helmRuns = (await shim.count()) - before;
  const changed = second.result.results.filter((r) => r.outcome !== 'unchanged').length;
  const noopOk = second.wallMs <= RELEASE_TARGETS.noopMs && helmRuns === 0 && changed === 0;
  console.log(
    `workflow noop releases=${releases} wall_ms=${second.wallMs.toFixed(0)} helm_processes=${helmRuns} changed_steps=${changed} ` +
      `${verdict(noopOk)} (target <= ${RELEASE_TARGETS.noopMs} ms, 0 helm) ${loadField()}`,
  );
}

async function applyOnce(root: string, drivers: ReturnType<typeof createDrivers>, concurrency: number) {
  const t0 = performance.now();
  const site = await planSite([root], {});
  if (!site.workflow)
    throw new Error(
      `bench site did not plan: ${site.problems.items
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}`,
    );
  const observed = await observeSite(site.workflow, drivers);
  const result = await executeWorkflow(site.workflow, diffWorkflow(site.workflow, observed), drivers, {
    concurrency: { helm: concurrency },
  });
  return { workflow: site.workflow, result, wallMs: performance.now() - t0 };
}

/** Per group: max(longest helm run, the group's helm time / concurrency); groups add up. */
function criticalPathMs(workflow: Workflow, result: ExecutionResult, concurrency: number): number {
  const byId = new Map(result.results.map((r) => [r.stepId, r.durationMs]));
  return workflow.phases.reduce((sum, phase) => {
    const times = phase.steps.map((s) => byId.get(s.id) ?? 0);
    return sum + Math.max(Math.max(0, ...times), times.reduce((a, b) => a + b, 0) / concurrency);
  }, 0);
}

async function nodeFigures(env: Record<string, string>): Promise<void> {
  const creds = env.IRONIC_USERNAME
    ? { username: env.IRONIC_USERNAME, password: env.IRONIC_PASSWORD ?? '' }
    : undefined;
  const r = await benchEnroll(env.IRONIC_URL!, creds, NODES, IRONIC_CONCURRENCY);
  console.log(
    `ironic enroll nodes=${r.count} concurrency=${r.concurrency} driver_nodes_per_min=${r.driver.nodesPerMin} plain_nodes_per_min=${r.plain.nodesPerMin} ` +
      `driver_failed=${r.driver.failed} plain_failed=${r.plain.failed} ratio=${r.ratio.toFixed(2)} ${r.ratio >= 0.9 ? 'OK' : 'MISSED'} (target >= 0.90)`,
  );
}

/** A helm in front of the real one that counts its own starts. */
async function helmShim(real: string) {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-helm-shim-'));
  const counter = join(dir, 'count');
  const path = join(dir, 'helm');
  await writeFile(counter, '');
  await writeFile(path, `#!/bin/sh\necho >> '${counter}'\nexec '${real}' "$@"\n`);
  await chmod(path, 0o755);
  return {
    path,
    count: async () => (await readFile(counter, 'utf8')).length,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function coreApi(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

async function deleteNamespaces(kubeconfig: string, namespaces: string[]): Promise<void> {
  const core = coreApi(kubeconfig);
  await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
}

/** Until none of `namespaces` exists (at most 120 s: the bench goes on with a warning). */
async function waitNamespacesGone(kubeconfig: string, namespaces: string[]): Promise<void> {
  const core = coreApi(kubeconfig);
  const wanted = new Set(namespaces);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const list = await core.listNamespace();
    if (!list.items.some((n) => wanted.has(n.metadata?.name ?? ''))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error('workflow bench: the bench namespaces are still terminating after 120 s');
}

main().catch((e: unknown) => {
  console.error(`workflow bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
