// slipway controller: the Kubernetes operator. The runtime manager (informers, work queue,
// leader election, /metrics, /healthz, /readyz) around reconcileSite, which runs the same
// pipeline as `slipway apply`. Watches: Sites, and the Secrets/ConfigMaps Sites reference.

import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { registerSiteSetController } from '../../fleet/siteset/controller.js';
import { GROUP, SITE_PLURAL, type Site, VERSION } from '../../operator/api/types.js';
import { parseDuration } from '../../operator/reconcile/duration.js';
import { kubeSiteClient, kubeSourceReader } from '../../operator/reconcile/kube.js';
import { reconcileSite } from '../../operator/reconcile/reconciler.js';
import { sitesReferencing } from '../../operator/reconcile/references.js';
import { shareKubeAgents } from '../../operator/reconcile/shared-agents.js';
import { siteDriverFactory } from '../../operator/reconcile/site-drivers.js';
import type { ReconcileDeps } from '../../operator/reconcile/types.js';
import { warmUp } from '../../operator/reconcile/warm-up.js';
import { realClock } from '../../operator/runtime/clock.js';
import { createLogger } from '../../operator/runtime/log.js';
import { ownKey, specOrMetadataChanged, startManager, type WatchSpec } from '../../operator/runtime/manager.js';
import { createMetrics } from '../../operator/runtime/metrics.js';
import { fetchSiteSource } from '../../operator/source/index.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';

export const usage =
  'slipway controller [--kubeconfig P] [--namespace NS] [--leader-elect] [--leader-election-namespace NS] [--leader-election-id NAME] ' +
  '[--metrics-bind-address :8080] [--health-probe-bind-address :8081] [--workers N] [--ironic-url U] [--inline-root DIR] [--git-cache-dir DIR] ' +
  '[--graceful-shutdown-timeout 10m] [--drift-interval 10m]';

const HELM_RELEASE_SECRETS = 'type!=helm.sh/release.v1';

export async function controllerCommand(argv: string[], _io: CommandIO): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'leader-elect': { type: 'boolean', default: false },
      'leader-election-namespace': { type: 'string' },
      'leader-election-id': { type: 'string', default: 'slipway-controller' },
      'metrics-bind-address': { type: 'string', default: ':8080' },
      'health-probe-bind-address': { type: 'string', default: ':8081' },
      workers: { type: 'string', default: '4' },
      'ironic-url': { type: 'string' },
      'inline-root': { type: 'string' },
      'git-cache-dir': { type: 'string' },
      'graceful-shutdown-timeout': { type: 'string', default: '10m' },
      'drift-interval': { type: 'string', default: '10m' },
    },
    usage,
    0,
  );
  const env = process.env;
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers must be a positive integer\nusage: ${usage}`);
  const shutdownMs = parseDuration(values['graceful-shutdown-timeout'] as string);
  const driftMs = parseDuration(values['drift-interval'] as string);
  if (shutdownMs === undefined || driftMs === undefined)
    throw new UsageError(`durations are written like 30s, 10m, 1h\nusage: ${usage}`);
  const kubeconfig = (values.kubeconfig as string | undefined) ?? env.KUBECONFIG?.split(':')[0];
  const namespace = values.namespace as string | undefined;
  const log = createLogger({ fields: { logger: 'slipway-controller' } });
  const metrics = createMetrics();

  // SIGTERM: no new helm/Ironic action starts from now on; running ones finish (the
  // manager waits for the reconciles up to --graceful-shutdown-timeout).
  const shutdown = new AbortController();
  // A lasting listener (not `once`): signal-exit, which execa loads to kill its children on
  // exit, re-raises SIGTERM and kills the helm processes when it finds itself the only
  // listener left, and `once` listeners are removed before they run.
  const onSignal = () => shutdown.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const scoped = (plural: string, group?: string) => {
    const base = group ? `/apis/${group}` : '/api/v1';
    return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
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
  const watches: WatchSpec<KubernetesObject>[] = [
    {
      name: 'sites',
      source: scoped(SITE_PLURAL, `${GROUP}/${VERSION}`),
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

  shareKubeAgents();
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  const reader = kubeSourceReader(kc);
  const ironicUrl = (values['ironic-url'] as string | undefined) ?? env.IRONIC_URL;
  const deps: ReconcileDeps = {
    sites: kubeSiteClient(kc),
    fetchSource: (site, o) =>
      fetchSiteSource(site, {
        reader,
        ...(values['inline-root'] ? { inlineRoot: values['inline-root'] as string } : {}),
        ...(values['git-cache-dir'] ? { git: { cacheDir: values['git-cache-dir'] as string } } : {}),
        ...(o?.commit ? { commit: o.commit } : {}),
      }),
    drivers: siteDriverFactory({
      kubeconfigPath: kubeconfig,
      helmBinary: env.HELM,
      ironic: ironicUrl ? { url: ironicUrl, username: env.IRONIC_USERNAME, password: env.IRONIC_PASSWORD } : undefined,
      fake: env.SLIPWAY_DRIVERS === 'fake',
      reader,
      onIronicCall: (method, seconds) => metrics.ironicCallDuration.observe({ method }, seconds),
    }),
    readSecret: (ns, name) => reader.readSecret(ns, name),
    clock: realClock,
    log,
    events: { event: () => undefined },
    shutdown: shutdown.signal,
    driftIntervalMs: driftMs,
  };

  const warmUpMs = await warmUp().catch(() => -1);
  log.debug('pipeline warmed up', { durationMs: Math.round(warmUpMs) });

  const manager = await startManager({
    kubeconfig: kc,
    ...(namespace ? { namespace } : {}),
    ...(values['leader-elect']
      ? {
          leaderElection: {
            namespace:
              (values['leader-election-namespace'] as string | undefined) ??
              namespace ??
              env.POD_NAMESPACE ??
              'default',
            name: values['leader-election-id'] as string,
          },
        }
      : {}),
    metricsBindAddress: values['metrics-bind-address'] as string,
    healthBindAddress: values['health-probe-bind-address'] as string,
    workers,
    watches,
    log,
    metrics,
    shutdownTimeoutMs: shutdownMs,
    reconcile: async (key, ctx) => {
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
    },
  });
  registerSiteSetController(manager, {
    ...(namespace ? { namespace } : {}),
    ...(values['git-cache-dir'] ? { gitCacheDir: values['git-cache-dir'] as string } : {}),
  });
  const exit = await manager.done;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return exit.code;
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
