// The Site controller as the manager hosts it: what it watches (Sites, and the Secrets and
// ConfigMaps Sites reference) and how a key is reconciled (reconcileSite, the same pipeline as
// `slipway apply`). `registerSiteController(manager, options)` adds it to a manager;
// `siteController(options)` is its spec (watches, reconcile), for tests.

import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, SITE_PLURAL, type Site, VERSION } from './api/types.js';
import { reconcileSite } from './reconcile/reconciler.js';
import { sitesReferencing } from './reconcile/references.js';
import type { ReconcileDeps } from './reconcile/types.js';
import { collectionPath } from './runtime/kube-http.js';
import {
  type ControllerSpec,
  type HostedController,
  type Manager,
  type ManagerReconcileFn,
  ownKey,
  specOrMetadataChanged,
  type WatchSpec,
} from './runtime/manager.js';

export const SITE_CONTROLLER = 'site';

/** Helm's release Secrets change on every install; no Site references them. */
const HELM_RELEASE_SECRETS = 'type!=helm.sh/release.v1';

export interface SiteControllerOptions {
  /** Watch one namespace only (default: all). */
  namespace?: string;
  /** Only the Sites this selects (a shard, operator/sharding.ts). */
  labelSelector?: string;
  /** Concurrent reconciles (default: the manager's). */
  workers?: number;
  /** Everything reconcileSite needs but what the manager gives each reconcile (log, metrics, events). */
  deps: Omit<ReconcileDeps, 'log' | 'metrics' | 'events'>;
}

/** The Site controller's spec: its watches and reconcile function, named "site", keys logged as `site`. */
export function siteController(options: SiteControllerOptions): ControllerSpec {
  return {
    name: SITE_CONTROLLER,
    keyField: 'site',
    ...(options.workers ? { workers: options.workers } : {}),
    watches: siteWatches(options),
    reconcile: siteReconcile(options.deps),
  };
}

/** Hosts the Site controller on `manager` (its Sites, Secrets and ConfigMaps through the manager's cache). */
export function registerSiteController(
  manager: Pick<Manager, 'addController'>,
  options: SiteControllerOptions,
): HostedController {
  return manager.addController(siteController(options));
}

/** The Sites collection a Site controller of `namespace` watches (shared with the SiteSet controller). */
export function sitesPath(namespace?: string): string {
  return collectionPath({ group: GROUP, version: VERSION, plural: SITE_PLURAL, ...(namespace ? { namespace } : {}) });
}

function siteWatches(options: SiteControllerOptions): WatchSpec<KubernetesObject>[] {
  const scoped = (plural: string, group?: string) => {
    const base = group ? `/apis/${group}` : '/api/v1';
    return options.namespace ? `${base}/namespaces/${options.namespace}/${plural}` : `${base}/${plural}`;
  };
  const referencing =
    (kind: 'Secret' | 'ConfigMap') =>
    (
      obj: KubernetesObject,
      ctx: { informer<T extends KubernetesObject>(n: string): { list(ns?: string): T[] } | undefined },
    ) => {
      const ns = obj.metadata?.namespace ?? 'default';
      const sites = ctx.informer<KubernetesObject>('sites')?.list(ns) ?? [];
      return sitesReferencing(sites as unknown as Site[], kind, ns, obj.metadata?.name ?? '');
    };
  return [
    {
      name: 'sites',
      source: {
        path: sitesPath(options.namespace),
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      },
      filter: specOrMetadataChanged,
      map: (o) => [ownKey(o)],
    },
    {
      name: 'secrets',
      source: { path: scoped('secrets'), fieldSelector: HELM_RELEASE_SECRETS },
      map: referencing('Secret'),
    },
    { name: 'configmaps', source: scoped('configmaps'), map: referencing('ConfigMap') },
  ];
}

function siteReconcile(deps: SiteControllerOptions['deps']): ManagerReconcileFn {
  return async (key, ctx) => {
    const result = await reconcileSite(
      {
        ...deps,
        log: ctx.log,
        metrics: ctx.metrics,
        events: {
          event: (site, type, reason, message) =>
            type === 'Warning' ? ctx.events.warning(site, reason, message) : ctx.events.normal(site, reason, message),
        },
      },
      key,
    );
    countSites(ctx.informer<KubernetesObject>('sites')?.list() as unknown as Site[] | undefined, ctx.metrics.sites);
    if (result.kind === 'retry') throw result.error;
    return result.requeueAfterMs ? { requeueAfterMs: result.requeueAfterMs } : undefined;
  };
}

/** slipway_sites{condition}: how many Sites have each condition True (from the informer cache). */
function countSites(
  sites: Site[] | undefined,
  gauge: { set(labels: { condition: string }, value: number): void },
): void {
  if (!sites) return;
  for (const type of ['Ready', 'Reconciling', 'Stalled']) {
    gauge.set(
      { condition: type },
      sites.filter((s) => s.status?.conditions?.some((c) => c.type === type && c.status === 'True')).length,
    );
  }
}
