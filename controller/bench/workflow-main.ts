// `npm run bench` (workflow part), on the local infrastructure (`npm run infra:up`):
//  (a) 200 releases of a tiny chart in 10 groups applied for real: wall time against the
//      critical path of the helm runs themselves (per group: the longest run, or the group's
//      helm time shared by the helm concurrency, whichever is larger) → overhead;
//  (b) a no-op re-apply of those 200: wall time and the number of helm processes started
//      (counted by a shim in front of the real binary);
//  (c) 500 fake-hardware nodes enrolled to `available`: nodes/min through the Ironic driver
//      against a plain concurrent REST loop at the same concurrency.
// Not a test: prints figures and exits 0.

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
import { createReleaseSite } from './release-site.js';

const RELEASES = Number(process.env.SLIPWAY_BENCH_RELEASES ?? 200);
const GROUPS = Number(process.env.SLIPWAY_BENCH_GROUPS ?? 10);
const NODES = Number(process.env.SLIPWAY_BENCH_NODES ?? 500);
const HELM_CONCURRENCY = 4;
const IRONIC_CONCURRENCY = 20;

async function main(): Promise<void> {
  const env = infraEnv();
  if (!env?.KUBECONFIG || !env.HELM) {
    console.log('workflow figures skipped: the local infrastructure is not up (npm run infra:up)');
    return;
  }
  await releaseFigures(env);
  if (env.IRONIC_URL && NODES > 0) await nodeFigures(env);
}

async function releaseFigures(env: Record<string, string>): Promise<void> {
  const shim = await helmShim(env.HELM!);
  const site = await createReleaseSite({
    releases: RELEASES,
    groups: GROUPS,
    chartPath: join(REPO_ROOT, 'charts/demo-config'),
    prefix: `wfb${Date.now() % 100000}`,
  });
  const drivers = createDrivers({ kubeconfigPath: env.KUBECONFIG, helmBinary: shim.path });
  try {
    const first = await applyOnce(site.root, drivers);
    const helmMs = first.result.results.map((r) => r.durationMs);
    const critical = criticalPathMs(first.workflow, first.result);
    const overhead = (first.wallMs - critical) / critical;
    console.log(
      `workflow apply releases=${site.releases} groups=${GROUPS} helm_concurrency=${HELM_CONCURRENCY} ok=${first.result.ok} wall_ms=${first.wallMs.toFixed(0)} ` +
        `critical_path_helm_ms=${critical.toFixed(0)} sum_helm_ms=${helmMs.reduce((a, b) => a + b, 0).toFixed(0)} overhead_pct=${(overhead * 100).toFixed(1)} ${overhead < 0.1 ? 'OK' : 'MISSED'} (target < 10%)`,
    );
    const before = await shim.count();
    const second = await applyOnce(site.root, drivers);
    const helmRuns = (await shim.count()) - before;
    const changed = second.result.results.filter((r) => r.outcome !== 'unchanged').length;
    console.log(
      `workflow noop releases=${site.releases} wall_ms=${second.wallMs.toFixed(0)} helm_processes=${helmRuns} changed_steps=${changed} ${second.wallMs < 5000 && helmRuns === 0 ? 'OK' : 'MISSED'} (target < 5000 ms, 0 helm)`,
    );
  } finally {
    await deleteNamespaces(env.KUBECONFIG!, site.namespaces);
    await rm(site.root, { recursive: true, force: true });
    await shim.remove();
  }
}

async function applyOnce(root: string, drivers: ReturnType<typeof createDrivers>) {
  const t0 = performance.now();
  const site = await planSite([root], {});
  if (!site.workflow)
    throw new Error(`bench site did not plan: ${site.problems.items.map((p) => p.message).join('; ')}`);
  const observed = await observeSite(site.workflow, drivers);
  const result = await executeWorkflow(site.workflow, diffWorkflow(site.workflow, observed), drivers, {
    concurrency: { helm: HELM_CONCURRENCY },
  });
  return { workflow: site.workflow, result, wallMs: performance.now() - t0 };
}

/** Per group: max(longest helm run, the group's helm time / concurrency); groups add up. */
function criticalPathMs(workflow: Workflow, result: ExecutionResult): number {
  const byId = new Map(result.results.map((r) => [r.stepId, r.durationMs]));
  return workflow.phases.reduce((sum, phase) => {
    const times = phase.steps.map((s) => byId.get(s.id) ?? 0);
    return sum + Math.max(Math.max(0, ...times), times.reduce((a, b) => a + b, 0) / HELM_CONCURRENCY);
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

async function deleteNamespaces(kubeconfig: string, namespaces: string[]): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
}

main().catch((e: unknown) => {
  console.error(`workflow bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
