// The SiteSet controller inside `slipway controller`, hosted by the same manager as the Site
// controller: its own work queue and workers (started only while the manager leads), its watches
// through the manager's shared cache. SiteSets are watched with the controller's label selector;
// Sites through the same informer as the Site controller when that one watches every Site (no
// shard), filtered in memory to the Sites a SiteSet labels or owns.
//
//   SiteSet added/changed (spec, metadata)        → its key
//   generated Site changed (spec digest, generation,
//   observedGeneration, conditions, revision, owner) → its SiteSet's key
//
// Use: `registerSiteSetController(manager, { namespace })`, before or after manager.start().
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  SITESET_KIND,
  SITESET_LABEL,
  SITESET_PLURAL,
  type SiteSet,
  type SiteSetStatus,
} from '../../operator/api/siteset-types.js';
import { GROUP, type Site, VERSION } from '../../operator/api/types.js';
import { kubeSourceReader } from '../../operator/reconcile/kube.js';
import { type Clock, realClock } from '../../operator/runtime/clock.js';
import type { ResourceTarget } from '../../operator/runtime/informer.js';
import { collectionPath } from '../../operator/runtime/kube-http.js';
import {
  type HostedController,
  type Manager,
  ownKey,
  specOrMetadataChanged,
  type WatchSpec,
} from '../../operator/runtime/manager.js';
import { sitesPath } from '../../operator/site-controller.js';
import type { SourceReader } from '../../operator/source/types.js';
import { canonicalJson } from './digest.js';
import type { Generated } from './generate.js';
import { gitLister } from './git-generator.js';
import { kubeSiteSetWriter } from './kube.js';
import { Expectations, reconcileSiteSet, type SiteSetStore, type SiteSetWriter } from './reconcile.js';
import { ownedBy } from './sync.js';

export const SITESET_CONTROLLER = 'siteset';
/** How long Site events are gathered before the SiteSet pass they ask for. */
export const SITE_EVENT_DELAY_MS = 1_000;

/** What the SiteSet controller takes from the manager that hosts it. */
export type SiteSetControllerHost = Pick<Manager, 'addController' | 'cache' | 'kubeConfig' | 'log' | 'events'>;

export interface SiteSetControllerOptions {
  /** Watch one namespace only (default: all). */
  namespace?: string;
  /** Only the SiteSets this selects (the controller's shard, operator/sharding.ts); their Sites are watched whatever their labels. */
  labelSelector?: string;
  /** Concurrent SiteSet reconciles (default 2). */
  workers?: number;
  /**
   * A Site's change reaches its SiteSet this long after it (default 1000 ms; 0: at once): the
   * status changes of a wave of Sites become one SiteSet pass and one status write, not one each.
   */
  siteEventDelayMs?: number;
  /** Git cache for git generators (default: operator/source's). */
  gitCacheDir?: string;
  clock?: Clock;
  /** Tests: another writer / reader. */
  writer?: SiteSetWriter;
  reader?: SourceReader;
}

export type SiteSetController = HostedController;

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

/**
 * The SiteSet keys a Site event concerns: none for a Site no SiteSet labels or owns (before or
 * after), none for an update that left its rollout view alone; else its SiteSet's, old and new.
 */
export function siteSetKeysForSite(site: Site, old?: Site): string[] {
  const keys = new Set([...ownerKeys(site), ...(old ? ownerKeys(old) : [])]);
  if (keys.size === 0) return [];
  if (old && siteRolloutView(site) === siteRolloutView(old)) return [];
  return [...keys];
}

export function registerSiteSetController(
  host: SiteSetControllerHost,
  options: SiteSetControllerOptions = {},
): SiteSetController {
  const clock = options.clock ?? realClock;
  const log = host.log.child({ controller: SITESET_CONTROLLER });
  const kc = host.kubeConfig;
  const ns = options.namespace;
  const setsTarget: ResourceTarget = {
    path: collectionPath({ group: GROUP, version: VERSION, plural: SITESET_PLURAL, ...(ns ? { namespace: ns } : {}) }),
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
  };
  // Every Site of the namespace: the Site controller's informer when it is not sharded.
  const sitesTarget: ResourceTarget = sitesPath(ns);
  const sets = host.cache.resource<SiteSet & KubernetesObject>(setsTarget, { name: 'sitesets' });
  const sites = host.cache.resource<Site & KubernetesObject>(sitesTarget, { name: 'sites' });

  const written = new Map<string, SiteSetStatus>();
  const generatedCache = new Map<string, { key: string; generated: Generated }>();
  // What the reconciler remembers of a SiteSet goes with it.
  sets.onEvent({
    delete: (o) => {
      if (o.metadata?.uid) {
        written.delete(o.metadata.uid);
        generatedCache.delete(o.metadata.uid);
      }
    },
  });

  const store: SiteSetStore = {
    getSiteSet: (namespace, n) => sets.get(n, namespace),
    sitesOf: (set) =>
      sites
        .list(set.metadata.namespace ?? 'default')
        .filter((s) => s.metadata.labels?.[SITESET_LABEL] === set.metadata.name || ownedBy(s, set.metadata.uid)),
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
    events: host.events,
    expectations: new Expectations(clock),
    written,
    generatedCache,
  };

  const asSite = (o: KubernetesObject) => o as unknown as Site;
  const watches: WatchSpec<KubernetesObject>[] = [
    { name: 'sitesets', source: setsTarget, filter: specOrMetadataChanged, map: (o) => [ownKey(o)] },
    {
      name: 'sites',
      source: sitesTarget,
      // Every Site of the shared informer comes here; most give no key.
      map: (o, _ctx, _event, old) => siteSetKeysForSite(asSite(o), old ? asSite(old) : undefined),
      delayMs: options.siteEventDelayMs ?? SITE_EVENT_DELAY_MS,
    },
  ];
  const controller = host.addController({
    name: SITESET_CONTROLLER,
    keyField: 'siteset',
    workers: options.workers ?? 2,
    watches,
    reconcile: async (key) => {
      const r = await reconcileSiteSet(deps, key);
      if (r.error) throw r.error;
      return r.requeueAfterMs ? { requeueAfterMs: r.requeueAfterMs } : undefined;
    },
  });
  log.info('siteset controller registered', { namespace: ns ?? '(all)' });
  return controller;
}
