// The SiteSet controller inside `slipway controller`: its own informers (SiteSets, and the
// Sites that carry a SiteSet's label), work queue and workers, started beside the Site
// controller's manager and only while that manager leads (the same Lease).
//
//   SiteSet added/changed (spec, metadata)        → its key
//   generated Site changed (spec digest, generation,
//   observedGeneration, conditions, revision, owner) → its SiteSet's key
//
// Use: `registerSiteSetController(manager, { namespace })` after startManager().
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  SITESET_KIND,
  SITESET_LABEL,
  SITESET_PLURAL,
  type SiteSet,
  type SiteSetStatus,
} from '../../operator/api/siteset-types.js';
import { GROUP, SITE_PLURAL, type Site, VERSION } from '../../operator/api/types.js';
import { kubeSourceReader } from '../../operator/reconcile/kube.js';
import { type Clock, realClock } from '../../operator/runtime/clock.js';
import { type ControllerHandle, runController } from '../../operator/runtime/controller.js';
import type { EventRecorder } from '../../operator/runtime/events.js';
import { type Informer, watchResources } from '../../operator/runtime/informer.js';
import { collectionPath } from '../../operator/runtime/kube-http.js';
import type { Logger } from '../../operator/runtime/log.js';
import { ownKey, specOrMetadataChanged } from '../../operator/runtime/manager.js';
import type { ControllerMetrics } from '../../operator/runtime/metrics.js';
import { createWorkQueue, type WorkQueue } from '../../operator/runtime/workqueue.js';
import type { SourceReader } from '../../operator/source/types.js';
import { canonicalJson } from './digest.js';
import type { Generated } from './generate.js';
import { gitLister } from './git-generator.js';
import { kubeSiteSetWriter } from './kube.js';
import { Expectations, reconcileSiteSet, type SiteSetStore, type SiteSetWriter } from './reconcile.js';
import { ownedBy } from './sync.js';

/** What the SiteSet controller takes from the Site controller's manager (a Manager fits). */
export interface SiteSetControllerHost {
  kubeConfig: KubeConfig;
  log: Logger;
  metrics?: ControllerMetrics;
  events?: EventRecorder;
  /** Workers run only while this is true (the manager leads, or runs without election). */
  isLeader(): boolean;
  /** Resolves when the manager stopped. */
  done?: Promise<unknown>;
}

export interface SiteSetControllerOptions {
  /** Watch one namespace only (default: all). */
  namespace?: string;
  /** Only the SiteSets this selects (the controller's shard, operator/sharding.ts); their Sites are watched whatever their labels. */
  labelSelector?: string;
  /** Concurrent SiteSet reconciles (default 2). */
  workers?: number;
  /** Git cache for git generators (default: operator/source's). */
  gitCacheDir?: string;
  clock?: Clock;
  /** Tests: another writer / reader. */
  writer?: SiteSetWriter;
  reader?: SourceReader;
}

export interface SiteSetController {
  readonly queue: WorkQueue<string>;
  /** Informers synced. */
  ready(): boolean;
  stop(): Promise<void>;
}

/** The fields of a generated Site whose change can move its SiteSet's rollout (not workflow progress). */
export function siteRolloutView(site: Site): string {
  const s = site.status;
  return canonicalJson({
    g: site.metadata.generation,
    a: site.metadata.annotations,
    l: site.metadata.labels,
    o: site.metadata.ownerReferences,
    d: site.metadata.deletionTimestamp,
    sp: site.spec.suspend,
    og: s?.observedGeneration,
    r: s?.lastAppliedRevision,
    c: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.observedGeneration]),
  });
}

function ownerKeys(site: Site): string[] {
  const ns = site.metadata.namespace ?? 'default';
  const keys = new Set<string>();
  const label = site.metadata.labels?.[SITESET_LABEL];
  if (label) keys.add(`${ns}/${label}`);
  for (const r of (site.metadata.ownerReferences ?? []) as { kind?: string; name?: string; controller?: boolean }[]) {
    if (r.controller && r.kind === SITESET_KIND && r.name) keys.add(`${ns}/${r.name}`);
  }
  return [...keys];
}

export function registerSiteSetController(
  host: SiteSetControllerHost,
  options: SiteSetControllerOptions = {},
): SiteSetController {
  const clock = options.clock ?? realClock;
  const log = host.log.child({ controller: 'siteset' });
  const kc = host.kubeConfig;
  const name = 'siteset';
  const queue = createWorkQueue<string>({ clock, ...(host.metrics ? { metrics: host.metrics.queueSink(name) } : {}) });
  const ns = options.namespace;
  const setsPath = collectionPath({
    group: GROUP,
    version: VERSION,
    plural: SITESET_PLURAL,
    ...(ns ? { namespace: ns } : {}),
  });
  const sitesPath = collectionPath({
    group: GROUP,
    version: VERSION,
    plural: SITE_PLURAL,
    ...(ns ? { namespace: ns } : {}),
  });

  const written = new Map<string, SiteSetStatus>();
  const generatedCache = new Map<string, { key: string; generated: Generated }>();
  const sets: Informer<KubernetesObject> = watchResources<KubernetesObject>(
    kc,
    { path: setsPath, ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}) },
    {
      add: (o) => queue.add(ownKey(o)),
      update: (o, old) => specOrMetadataChanged('update', o, old) && queue.add(ownKey(o)),
      delete: (o) => {
        if (o.metadata?.uid) {
          written.delete(o.metadata.uid);
          generatedCache.delete(o.metadata.uid);
        }
        queue.add(ownKey(o));
      },
    },
    { name: 'sitesets', log, clock },
  );
  const asSite = (o: KubernetesObject) => o as unknown as Site;
  const sites: Informer<KubernetesObject> = watchResources<KubernetesObject>(
    kc,
    { path: sitesPath, labelSelector: SITESET_LABEL },
    {
      add: (o) => ownerKeys(asSite(o)).forEach((k) => queue.add(k)),
      update: (o, old) => {
        if (siteRolloutView(asSite(o)) === siteRolloutView(asSite(old))) return;
        new Set([...ownerKeys(asSite(o)), ...ownerKeys(asSite(old))]).forEach((k) => queue.add(k));
      },
      delete: (o) => ownerKeys(asSite(o)).forEach((k) => queue.add(k)),
    },
    { name: 'siteset-sites', log, clock },
  );

  const store: SiteSetStore = {
    getSiteSet: (namespace, n) => sets.get(n, namespace) as unknown as SiteSet | undefined,
    sitesOf: (set) =>
      (sites.list(set.metadata.namespace ?? 'default') as unknown as Site[]).filter(
        (s) => s.metadata.labels?.[SITESET_LABEL] === set.metadata.name || ownedBy(s, set.metadata.uid),
      ),
  };
  const reader = options.reader ?? kubeSourceReader(kc);
  const deps = {
    store,
    writer: options.writer ?? kubeSiteSetWriter(kc),
    git: gitLister({
      reader,
      ...(options.gitCacheDir ? { git: { cacheDir: options.gitCacheDir } } : {}),
      now: () => clock.now(),
    }),
    clock,
    log,
    ...(host.events ? { events: host.events } : {}),
    expectations: new Expectations(clock),
    written,
    generatedCache,
  };

  let handle: ControllerHandle | undefined;
  let stopped = false;
  const startWorkers = async () => {
    await Promise.all([sets.waitForSync(), sites.waitForSync()]).catch(() => undefined);
    if (stopped || handle) return;
    handle = runController({
      queue,
      workers: options.workers ?? 2,
      name,
      log,
      clock,
      keyField: 'siteset',
      ...(host.metrics ? { metrics: host.metrics } : {}),
      reconcile: async (key) => {
        const r = await reconcileSiteSet(deps, key);
        if (r.error) throw r.error;
        return r.requeueAfterMs ? { requeueAfterMs: r.requeueAfterMs } : undefined;
      },
    });
  };
  // Leadership: follow the host's (polled; the manager exits when it loses the Lease).
  const poll = setInterval(() => {
    if (!stopped && !handle && host.isLeader()) void startWorkers();
  }, 500);
  poll.unref();
  if (host.isLeader()) void startWorkers();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    if (handle) await handle.stop(10_000);
    else queue.shutDown();
    await Promise.all([sets.stop(), sites.stop()]);
  };
  void host.done?.then(stop, stop);
  log.info('siteset controller registered', { namespace: ns ?? '(all)' });
  return { queue, ready: () => sets.hasSynced() && sites.hasSynced(), stop };
}
