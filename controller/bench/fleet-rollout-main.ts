// `npm run bench` (fleet rollout part), on the local infrastructure (`npm run infra:up`): a
// SiteSet of N Sites of one type (each 3 releases of charts/demo-config and 1 fake-hardware
// node in the real Ironic) on the real API server, reconciled by 3 controller replicas, one per
// shard key; the SiteSet spreads its Sites over the 3 shards. Per run: time from creating the
// SiteSet to all N Ready, each replica's peak RSS, the API server's and etcd's, then one template
// value changed and rolled out in waves (canary 1, 10 %, the rest) with each wave's time, and
// where the CPU went. Real drivers at SLIPWAY_BENCH_FLEET_SITES (default 100,1000), the fake
// drivers (SLIPWAY_DRIVERS=fake: the controllers' and the API server's own limits) at
// SLIPWAY_BENCH_FLEET_FAKE_SITES (default 1000,10000); an empty list skips that series.
// Everything a run creates (namespace, Sites, releases, Ironic nodes, processes) is removed
// when it ends, fails or is interrupted. Not a test: prints figures and exits 0.

import { loadavg as osLoadavg } from 'node:os';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { SiteSet } from '../operator/api/siteset-types.js';
import { fleetIronic } from './fleet-ironic.js';
import { fleetKube } from './fleet-kube.js';
import {
  cpuSecondsOf,
  infraPid,
  processGroupCpuSeconds,
  type Replica,
  sampleRss,
  startReplica,
} from './fleet-replicas.js';
import {
  type CpuSplit,
  type Drivers,
  type FleetRun,
  failedLine,
  limitLine,
  runLine,
  targetLines,
  type WaveTiming,
} from './fleet-rollout-report.js';
import { fleetSiteSet, siteName, typeDocuments } from './fleet-siteset.js';
import { infraEnv, REPO_ROOT } from './infra-env.js';
import { cleanUpOnSignal } from './interrupt.js';

const list = (v: string | undefined, dflt: string) =>
  (v ?? dflt)
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isInteger(x) && x > 0);
const REAL_SITES = list(process.env.SLIPWAY_BENCH_FLEET_SITES, '100,1000');
const FAKE_SITES = list(process.env.SLIPWAY_BENCH_FLEET_FAKE_SITES, '1000,10000');
const WORKERS = Number(process.env.SLIPWAY_BENCH_FLEET_WORKERS ?? 4);
const TIMEOUT_S = Number(process.env.SLIPWAY_BENCH_FLEET_TIMEOUT ?? 3600);
/** An ISO time after which no rollout is waited for (a run on a shared machine that must end by then). */
const DEADLINE = process.env.SLIPWAY_BENCH_FLEET_DEADLINE
  ? Date.parse(process.env.SLIPWAY_BENCH_FLEET_DEADLINE)
  : Infinity;
const SHARDS = ['shard-a', 'shard-b', 'shard-c'];
const SET = 'ran';

/** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
const loadavg = () =>
  osLoadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const MIB = 1024;

/** What a run must remove; emptied as it is removed, so an interrupt during clean-up does not repeat it. */
interface Leftovers {
  replicas: Replica[];
  namespace?: string;
  nodePrefix?: string;
}
const current: Leftovers = { replicas: [] };

async function removeLeftovers(env: Record<string, string>): Promise<void> {
  const replicas = current.replicas.splice(0);
  await Promise.all(replicas.map((r) => r.stop()));
  const ns = current.namespace;
  current.namespace = undefined;
  if (ns) {
    const kube = fleetKube(env, REPO_ROOT);
    await kube.removeNamespace(ns).catch((e) => console.error(`fleet clean-up: namespace ${ns}: ${String(e)}`));
    await namespaceGone(env, ns, 600_000);
  }
  const prefix = current.nodePrefix;
  current.nodePrefix = undefined;
  if (prefix)
    await fleetIronic(env)
      .removeNodes(prefix)
      .catch((e) => console.error(`fleet clean-up: Ironic nodes ${prefix}*: ${String(e)}`));
}

async function namespaceGone(env: Record<string, string>, name: string, timeoutMs: number): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(env.KUBECONFIG!);
  const core = kc.makeApiClient(CoreV1Api);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const gone = await core.readNamespace({ name }).then(
      () => false,
      (e: { code?: number }) => e.code === 404,
    );
    if (gone) return;
    await sleep(1000);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the SiteSet until its rollout (a revision other than `from`) is Completed with all
 * `n` Sites Ready; each wave's time is when it was first seen Succeeded.
 */
async function watchRollout(
  kube: ReturnType<typeof fleetKube>,
  ns: string,
  n: number,
  t0: number,
  from: string | undefined,
  replicas: Replica[],
): Promise<{ set: SiteSet; seconds: number; waves: WaveTiming[] }> {
  const pollMs = n > 2000 ? 2000 : 1000;
  const doneAt = new Map<number, number>();
  const end = Math.min(t0 + TIMEOUT_S * 1000, performance.now() + (DEADLINE - Date.now()));
  for (;;) {
    const set = await kube.getSiteSet(ns, SET).catch(() => undefined);
    const now = performance.now();
    const ro = set?.status?.rollout;
    const current = !!set && !!ro && ro.revision !== from && set.status?.observedGeneration === set.metadata.generation;
    if (current) {
      for (const w of ro.waves) if (w.state === 'Succeeded' && !doneAt.has(w.index)) doneAt.set(w.index, now);
      const stalled = set.status?.conditions?.find((c) => c.type === 'Stalled' && c.status === 'True');
      if (stalled) throw new Error(`SiteSet Stalled: ${stalled.message}`);
      const ready = set.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      if (ready && ro.state === 'Completed' && set.status?.counts?.ready === n) {
        let prev = t0;
        const waves = ro.waves.map((w) => {
          const at = doneAt.get(w.index) ?? now;
          const t = { name: w.name ?? `wave-${w.index + 1}`, sites: w.sites.length, seconds: (at - prev) / 1000 };
          prev = at;
          return t;
        });
        return { set, seconds: (now - t0) / 1000, waves };
      }
    }
    const dead = replicas.find((r) => r.child.exitCode !== null || r.child.signalCode !== null);
    if (dead) throw new Error(`controller replica ${dead.shard} exited: ${dead.tail().slice(-3).join(' | ')}`);
    if (now > end)
      throw new Error(
        `gave up after ${((now - t0) / 1000).toFixed(0)} s (timeout ${TIMEOUT_S} s or deadline): ${JSON.stringify(set?.status?.counts ?? {})} wave ${set?.status?.summary?.wave ?? ''}; replica peak RSS MiB ${replicas.map((r) => (r.peakKiB() / 1024).toFixed(0)).join(',')}`,
      );
    await sleep(pollMs);
  }
}

async function runFleet(env: Record<string, string>, drivers: Drivers, n: number): Promise<FleetRun> {
  const kube = fleetKube(env, REPO_ROOT);
  const ironic = fleetIronic(env);
  const prefix = `fb${Date.now().toString(36).slice(-6)}`;
  const ns = `fleet-bench-${prefix}`;
  current.namespace = ns;
  if (drivers === 'real') current.nodePrefix = prefix;
  await kube.createNamespace(ns);
  const runEnv = { ...env, ...(drivers === 'fake' ? { SLIPWAY_DRIVERS: 'fake' } : {}) };
  for (const shard of SHARDS)
    current.replicas.push(
      startReplica({
        repoRoot: REPO_ROOT,
        namespace: ns,
        shard,
        env: runEnv,
        workers: WORKERS,
        fake: drivers === 'fake',
      }),
    );
  const replicas = [...current.replicas];
  const startBy = Date.now() + 90_000;
  while (!replicas.every((r) => r.started())) {
    const dead = replicas.find((r) => r.child.exitCode !== null);
    if (dead) throw new Error(`controller replica ${dead.shard} exited at start: ${dead.tail().join(' | ')}`);
    if (Date.now() > startBy) throw new Error('controller replicas did not start in 90 s');
    await sleep(200);
  }
  const pids = {
    apiServer: infraPid(REPO_ROOT, 'pids/kube-apiserver.pid'),
    etcd: infraPid(REPO_ROOT, 'pids/etcd.pid'),
    ironic: infraPid(REPO_ROOT, 'ironic.pid'),
  };
  const apiRss = sampleRss(pids.apiServer, 1000);
  const etcdRss = sampleRss(pids.etcd, 1000);
  const cpuAt = () => ({
    apiServer: cpuSecondsOf(pids.apiServer).self,
    etcd: cpuSecondsOf(pids.etcd).self,
    ironic: processGroupCpuSeconds(pids.ironic),
  });
  const cpu0 = cpuAt();
  try {
    const t0 = performance.now();
    await kube.createSiteSet(
      fleetSiteSet({ name: SET, namespace: ns, sites: n, prefix, shards: SHARDS, version: '1' }),
    );
    const created = await watchRollout(kube, ns, n, t0, undefined, replicas);
    // Printed now: a change that does not finish must not lose this figure.
    console.log(
      `fleet ready drivers=${drivers} sites=${n} ready_s=${created.seconds.toFixed(1)} replica_peak_rss_mib=${replicas.map((r) => (r.peakKiB() / MIB).toFixed(1)).join(',')} apiserver_peak_rss_mib=${(apiRss.peakKiB() / MIB).toFixed(1)} loadavg=${loadavg().replace(/ /g, '/')}`,
    );
    const checks: string[] = [];
    if (drivers === 'real') {
      const states = await ironic.states(prefix);
      checks.push(`ironic_available=${states.available ?? 0}/${n}`);
      if ((states.available ?? 0) !== n) throw new Error(`Ironic nodes not all available: ${JSON.stringify(states)}`);
    }

    const t1 = performance.now();
    await kube.editTemplate(ns, SET, (set) => {
      set.spec.template.spec.source.inline!.documents = typeDocuments(ns, '2');
    });
    const changed = await watchRollout(kube, ns, n, t1, created.set.status!.rollout!.revision, replicas);
    if (drivers === 'real') {
      const sample = [0, Math.floor(n / 2), n - 1].map((i) => `${siteName(prefix, i)}-cfg-2`);
      const values = await Promise.all(sample.map((cm) => kube.configMapValue(ns, cm, 'version')));
      checks.push(`configmaps_at_v2=${values.filter((v) => v === '2').length}/${sample.length}`);
      if (values.some((v) => v !== '2')) throw new Error(`ConfigMaps not at the new value: ${values.join(',')}`);
    }
    const cpu1 = cpuAt();
    const cpu: CpuSplit = {
      controllers: replicas.reduce((a, r) => a + r.cpuSeconds().self, 0),
      helm: replicas.reduce((a, r) => a + r.cpuSeconds().children, 0),
      apiServer: cpu1.apiServer - cpu0.apiServer,
      etcd: cpu1.etcd - cpu0.etcd,
      ironic: cpu1.ironic - cpu0.ironic,
    };
    return {
      drivers,
      sites: n,
      shards: SHARDS.length,
      workers: WORKERS,
      readySeconds: created.seconds,
      createWaves: created.waves,
      changeWaves: changed.waves,
      changeSeconds: changed.seconds,
      replicaPeakMiB: replicas.map((r) => r.peakKiB() / MIB),
      apiServerPeakMiB: apiRss.peakKiB() / MIB,
      etcdPeakMiB: etcdRss.peakKiB() / MIB,
      cpu,
      checks,
      loadavg: loadavg(),
    };
  } catch (e) {
    for (const r of replicas) for (const l of r.tail().slice(-3)) console.error(`  [${r.shard}] ${l}`);
    throw e;
  } finally {
    apiRss.stop();
    etcdRss.stop();
  }
}

async function main(): Promise<void> {
  const env = infraEnv();
  if (!env?.KUBECONFIG || !env.HELM || !env.IRONIC_URL) {
    console.log('fleet rollout figures skipped: the local infrastructure is not up (npm run infra:up)');
    return;
  }
  cleanUpOnSignal('fleet rollout', () => removeLeftovers(env));
  fleetKube(env, REPO_ROOT).applyCrds();
  const runs: FleetRun[] = [];
  const series: [Drivers, number[]][] = [
    ['real', REAL_SITES],
    ['fake', FAKE_SITES],
  ];
  for (const [drivers, sizes] of series)
    for (const n of sizes) {
      try {
        const run = await runFleet(env, drivers, n);
        runs.push(run);
        console.log(runLine(run));
        console.log(limitLine(run));
      } catch (e) {
        console.log(failedLine(drivers, n, e instanceof Error ? e.message : String(e), loadavg()));
      } finally {
        await removeLeftovers(env);
      }
    }
  for (const line of targetLines(runs)) console.log(line);
}

await main();
