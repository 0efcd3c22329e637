// `npm run bench` (operator part), on the local infrastructure (`npm run infra:up`): the real
// Site controller (the operator runtime's manager in this process, wired as
// `slipway controller` wires it, real helm) against the real API server, with a Site whose
// documents are in a ConfigMap: 300 releases of a tiny chart in 10 groups.
//  1. from the Site's creation to Ready (reported);
//  2. CHANGES times: one value of one chart changed in the ConfigMap, then
//       t_patch  the ConfigMap replace is sent,
//       t0       the controller's own ConfigMap informer delivers the new resourceVersion,
//       t1       the release's new revision is stored as deployed (its Helm release Secret
//                `...v2` with status=deployed, seen by a watch in this process),
//     printed: t1 - t0 (target <= 300 ms, the median of the changes decides), t1 - t_patch, and
//     where t1 - t0 went (until the reconcile fetched the source, until helm upgrade started,
//     the helm upgrade itself, and how many drift observations of releases the pass made).
// Everything it creates (the Site, its namespace, the releases' namespaces) is deleted when it
// ends, fails or is interrupted. Not a test: prints figures and exits 0.

import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import type { HelmDriver } from '../drivers/types.js';
import { GROUP, SITE_PLURAL, type Site, VERSION } from '../operator/api/types.js';
import { kubeSiteClient, kubeSourceReader } from '../operator/reconcile/kube.js';
import { shareKubeAgents } from '../operator/reconcile/shared-agents.js';
import { siteDriverFactory } from '../operator/reconcile/site-drivers.js';
import { realClock } from '../operator/runtime/clock.js';
import { createLogger } from '../operator/runtime/log.js';
import { createManager, type Manager } from '../operator/runtime/manager.js';
import { createMetrics } from '../operator/runtime/metrics.js';
import { registerSiteController } from '../operator/site-controller.js';
import { fetchSiteSource } from '../operator/source/index.js';
import { infraEnv, REPO_ROOT } from './infra-env.js';
import { cleanUpOnSignal } from './interrupt.js';
import { chartFolder, type ReleaseSiteShape, releaseSiteText } from './release-site.js';
import { loadField } from './report.js';

const RELEASES = Number(process.env.SLIPWAY_BENCH_OPERATOR_RELEASES ?? 300);
const GROUPS = 10;
const CHANGES = Number(process.env.SLIPWAY_BENCH_OPERATOR_CHANGES ?? 3);
const HELM_CONCURRENCY = 4;
const TARGET_MS = 300;
const READY_TIMEOUT_MS = 15 * 60_000;
const CHANGE_TIMEOUT_MS = 120_000;
const SITE = 'bench';
const CONFIGMAP = 'site-docs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the drivers did, with times (performance.now()). */
interface Trace {
  fetches: number[];
  /** helm.list calls: the observe of a pass starts with one (after render and plan). */
  lists: number[];
  upgrades: { release: string; start: number; end: number }[];
  objects: number;
}

async function main(): Promise<void> {
  const env = infraEnv();
  if (!env?.KUBECONFIG || !env.HELM || !env.KUBECTL) {
    console.log('operator figures skipped: the local infrastructure is not up (npm run infra:up)');
    return;
  }
  execFileSync(env.KUBECTL, [
    '--kubeconfig',
    env.KUBECONFIG,
    'apply',
    '--server-side',
    '--force-conflicts',
    '-f',
    join(REPO_ROOT, 'crds'),
  ]);
  shareKubeAgents();
  const kc = new KubeConfig();
  kc.loadFromFile(env.KUBECONFIG);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const prefix = `wfo${Date.now() % 100000}`;
  const siteNs = `${prefix}-site`;
  const chart = await chartFolder(join(REPO_ROOT, 'charts/demo-config'));
  const shape: ReleaseSiteShape = { releases: RELEASES, groups: GROUPS, prefix };
  const first = releaseSiteText(shape, chart.chartPath);
  let manager: Manager | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await manager?.stop().catch(() => undefined);
    await dropSite(custom, siteNs).catch(() => undefined);
    await Promise.all(
      [siteNs, ...first.namespaces].map((name) => core.deleteNamespace({ name }).catch(() => undefined)),
    );
    await rm(chart.root, { recursive: true, force: true });
  };
  const stopListening = cleanUpOnSignal('operator bench', cleanup);
  try {
    await core.createNamespace({ body: { metadata: { name: siteNs } } });
    await core.createNamespacedConfigMap({
      namespace: siteNs,
      body: { metadata: { name: CONFIGMAP }, data: { 'site.yaml': first.text } },
    });
    const trace: Trace = { fetches: [], lists: [], upgrades: [], objects: 0 };
    const values: Record<string, string> = {};
    manager = startController(kc, env, siteNs, chart.root, trace);
    await manager.start();
    const configMaps = manager.informer<V1ConfigMap>('configmaps');
    const sites = manager.informer<KubernetesObject>('sites');
    if (!configMaps || !sites) throw new Error('the Site controller has no configmaps/sites informer');
    const seenRv = new Map<string, number>();
    configMaps.onEvent({
      add: (cm) => noteRv(cm, seenRv),
      update: (cm) => noteRv(cm, seenRv),
    });

    const t = performance.now();
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: siteNs,
      plural: SITE_PLURAL,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'Site',
        metadata: { name: SITE, namespace: siteNs },
        spec: {
          source: { inline: { configMapRefs: [{ name: CONFIGMAP }] } },
          concurrency: { helm: HELM_CONCURRENCY },
        },
      },
    });
    const ready = await waitFor(
      () => readySite(sites.get(SITE, siteNs) as unknown as Site | undefined, undefined),
      READY_TIMEOUT_MS,
    );
    console.log(
      `operator ready releases=${first.releases} helm_concurrency=${HELM_CONCURRENCY} ok=${!!ready} wall_ms=${(performance.now() - t).toFixed(0)} (reported) ${loadField()}`,
    );
    if (!ready) throw new Error('the bench Site did not become Ready');

    // A pass queued while the first one ran (its finalizer write) may still be observing: the
    // changes are measured from a quiet controller.
    await sleep(5_000);
    const measured: number[] = [];
    let applied = ready.status?.lastAppliedRevision;
    for (let k = 0; k < CHANGES; k++) {
      const chartName = first.charts[(k * 37 + 5) % first.charts.length]!;
      const group = Number(chartName.split('-')[1]);
      const release = `${prefix}-${chartName}`;
      const namespace = first.namespaces[group]!;
      const stored = watchRevision(manager, namespace, release, 2);
      await stored.synced;
      trace.fetches = [];
      trace.lists = [];
      trace.upgrades = [];
      trace.objects = 0;
      // Changes add up: every change differs from the applied site by one value of one chart.
      values[chartName] = `changed-${k}`;
      const text = releaseSiteText({ ...shape, values }, chart.chartPath).text;
      const cm = await core.readNamespacedConfigMap({ name: CONFIGMAP, namespace: siteNs });
      cm.data = { 'site.yaml': text };
      const tPatch = performance.now();
      const replaced = await core.replaceNamespacedConfigMap({ name: CONFIGMAP, namespace: siteNs, body: cm });
      const rv = replaced.metadata?.resourceVersion ?? '';
      const t1 = await Promise.race([stored.deployed, sleep(CHANGE_TIMEOUT_MS).then(() => undefined)]);
      stored.stop();
      const t0 = seenRv.get(rv);
      // The rest of the pass (status) ends before the next change starts.
      const done = await waitFor(() => {
        const s = readySite(sites.get(SITE, siteNs) as unknown as Site | undefined, applied);
        return s;
      }, CHANGE_TIMEOUT_MS);
      applied = done?.status?.lastAppliedRevision;
      if (t1 === undefined || t0 === undefined) {
        console.log(
          `operator change ${k + 1}/${CHANGES} release=${release} ok=false informer_seen=${t0 !== undefined} revision_stored=${t1 !== undefined} ${loadField()}`,
        );
        continue;
      }
      const upgrade = trace.upgrades.find((u) => u.release === release);
      const fetch = trace.fetches.find((f) => f >= t0) ?? trace.fetches[0];
      const list = trace.lists.find((l) => fetch !== undefined && l >= fetch);
      measured.push(t1 - t0);
      console.log(
        `operator change ${k + 1}/${CHANGES} releases=${first.releases} release=${release} informer_to_revision_ms=${(t1 - t0).toFixed(0)} ` +
          `patch_to_revision_ms=${(t1 - tPatch).toFixed(0)} patch_to_informer_ms=${(t0 - tPatch).toFixed(0)} ` +
          `informer_to_fetch_ms=${fetch !== undefined ? (fetch - t0).toFixed(0) : 'none'} ` +
          `fetch_to_observe_ms=${fetch !== undefined && list !== undefined ? (list - fetch).toFixed(0) : 'none'} ` +
          `observe_to_upgrade_start_ms=${list !== undefined && upgrade ? (upgrade.start - list).toFixed(0) : 'none'} ` +
          `informer_to_upgrade_start_ms=${upgrade ? (upgrade.start - t0).toFixed(0) : 'none'} ` +
          `helm_upgrade_ms=${upgrade ? (upgrade.end - upgrade.start).toFixed(0) : 'none'} ` +
          `upgrade_end_to_revision_ms=${upgrade ? (t1 - upgrade.end).toFixed(0) : 'none'} ` +
          `releases_drift_observed=${trace.objects} helm_upgrades=${trace.upgrades.length} ${loadField()}`,
      );
    }
    const median = medianOf(measured);
    console.log(
      `operator one_change releases=${first.releases} changes=${measured.length}/${CHANGES} informer_to_revision_ms_median=${median?.toFixed(0) ?? 'none'} ` +
        `${median !== undefined && measured.length === CHANGES && median <= TARGET_MS ? 'OK' : 'MISSED'} (target <= ${TARGET_MS} ms) ${loadField()}`,
    );
  } finally {
    await cleanup();
    stopListening();
  }
}

/** The manager with the Site controller, as controller-process.ts wires it, drivers traced. */
function startController(
  kc: KubeConfig,
  env: Record<string, string>,
  namespace: string,
  inlineRoot: string,
  trace: Trace,
): Manager {
  const log = createLogger({ level: 'warn', fields: { logger: 'slipway-bench-controller' } });
  const reader = kubeSourceReader(kc);
  const drivers = siteDriverFactory({ kubeconfigPath: env.KUBECONFIG, helmBinary: env.HELM, reader });
  const manager = createManager({
    kubeconfig: kc,
    namespace,
    metricsBindAddress: '0',
    healthBindAddress: '0',
    workers: 4,
    log,
    metrics: createMetrics(),
    handleSignals: false,
    onExit: () => undefined,
  });
  registerSiteController(manager, {
    namespace,
    deps: {
      sites: kubeSiteClient(kc),
      fetchSource: (site, f) => {
        trace.fetches.push(performance.now());
        return fetchSiteSource(site, { reader, inlineRoot, ...(f?.commit ? { commit: f.commit } : {}) });
      },
      drivers: async (site) => {
        const d = await drivers(site);
        return { ...d, helm: tracedHelm(d.helm, trace) };
      },
      readSecret: (ns, name) => reader.readSecret(ns, name),
      clock: realClock,
    },
  });
  return manager;
}

function tracedHelm(helm: HelmDriver, trace: Trace): HelmDriver {
  return {
    ...helm,
    upgrade: async (spec, current) => {
      const start = performance.now();
      const r = await helm.upgrade(spec, current);
      trace.upgrades.push({ release: spec.name, start, end: performance.now() });
      return r;
    },
    list: (namespaces) => {
      trace.lists.push(performance.now());
      return helm.list(namespaces);
    },
    objects: (name, namespace) => {
      trace.objects++;
      return helm.objects(name, namespace);
    },
  };
}

function noteRv(cm: KubernetesObject, seen: Map<string, number>): void {
  const rv = cm.metadata?.resourceVersion;
  if (cm.metadata?.name === CONFIGMAP && rv && !seen.has(rv)) seen.set(rv, performance.now());
}

/** A watch of one release's Secrets: resolves with the time revision `revision` is seen deployed. */
function watchRevision(manager: Manager, namespace: string, release: string, revision: number) {
  const handle = manager.cache.resource<KubernetesObject>({
    path: `/api/v1/namespaces/${namespace}/secrets`,
    labelSelector: `owner=helm,name=${release}`,
  });
  let resolve: (t: number) => void = () => undefined;
  const deployed = new Promise<number>((r) => {
    resolve = r;
  });
  const check = (s: KubernetesObject) => {
    const labels = s.metadata?.labels ?? {};
    if (labels.version === String(revision) && labels.status === 'deployed') resolve(performance.now());
  };
  const stop = handle.onEvent({ add: check, update: check });
  return { deployed, stop, synced: handle.waitForSync() };
}

/** The Site when it is Ready with every release ready and an applied revision other than `not`. */
function readySite(site: Site | undefined, not: string | undefined): Site | undefined {
  if (!site?.status) return undefined;
  const ready = site.status.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True' || ready.observedGeneration !== site.metadata.generation) return undefined;
  if (not !== undefined && site.status.lastAppliedRevision === not) return undefined;
  return site;
}

async function waitFor<T>(fn: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const v = fn();
    if (v !== undefined) return v;
    await sleep(20);
  }
  return undefined;
}

function medianOf(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** The Site without its finalizer (the controller is stopped), then deleted. */
async function dropSite(custom: CustomObjectsApi, namespace: string): Promise<void> {
  const ref = { group: GROUP, version: VERSION, namespace, plural: SITE_PLURAL, name: SITE };
  const site = (await custom.getNamespacedCustomObject(ref)) as Site;
  site.metadata.finalizers = [];
  await custom.replaceNamespacedCustomObject({ ...ref, body: site });
  await custom.deleteNamespacedCustomObject(ref);
}

main().catch((e: unknown) => {
  console.error(`operator bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
