// The manager wires the runtime together for `slipway controller`:
//   informers (one per watch) ─ map(obj) → "namespace/name" keys ─→ work queue
//   leader election (optional) ─ leading → workers start (after the informers synced)
//                              └ lost    → stop at once and exit 1 (another replica leads)
//   /metrics, /healthz, /readyz on 127.0.0.1 (configurable)
//   SIGTERM / SIGINT → stop taking keys, let running reconciles finish (deadline), release
//                      the Lease, stop the informers, flush events, exit 0
// Informers run on standby replicas too, so a new leader starts with warm caches and a
// queue that already holds every key.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { type Clock, realClock } from './clock.js';
import { type ControllerHandle, type ReconcileContext, type ReconcileOutcome, runController } from './controller.js';
import { apiEventSink, createEventRecorder, type EventRecorder, type EventSink } from './events.js';
import { type HealthServer, startHealthServer } from './health.js';
import { type Informer, type ResourceTarget, watchResources } from './informer.js';
import { collectionPath, type ListWatchSource, type PathSourceOptions } from './kube-http.js';
import { apiLeaseStore, type LeaderElector, type LeaseStore, startLeaderElection } from './leader-election.js';
import { createLogger, type Logger } from './log.js';
import { type ControllerMetrics, createMetrics } from './metrics.js';
import type { DefaultLimiterOptions } from './rate-limiter.js';
import { createWorkQueue, type WorkQueue } from './workqueue.js';

export type WatchEventKind = 'add' | 'update' | 'delete';

export interface MapContext {
  /** Another watch's informer (by watch name), e.g. the Sites cache to find which Sites use a ConfigMap. */
  informer<T extends KubernetesObject = KubernetesObject>(name: string): Informer<T> | undefined;
}

/** A resource by group/version/plural; namespaced to the manager's `namespace` unless it names its own. */
export interface ResourceRef extends PathSourceOptions {
  group?: string;
  version: string;
  plural: string;
  namespace?: string;
}

export interface WatchSpec<T extends KubernetesObject = KubernetesObject> {
  /** Unique name: in logs, readiness, and for MapContext.informer(). */
  name: string;
  /** A resource, a collection path (with optional selectors), or any ListWatchSource (tests). */
  source: ResourceRef | ResourceTarget | ListWatchSource<T>;
  /** Keys ("namespace/name") to reconcile for a change of `obj`; default: the object's own key. */
  map?: (obj: T, ctx: MapContext, event: WatchEventKind) => string[];
  /** Return false to ignore an event (e.g. an update that changed only status). Default: all events. */
  filter?: (event: WatchEventKind, obj: T, old?: T) => boolean;
}

export interface ManagerReconcileContext extends ReconcileContext {
  events: EventRecorder;
  metrics: ControllerMetrics;
  kubeConfig: KubeConfig;
  informer<T extends KubernetesObject = KubernetesObject>(name: string): Informer<T> | undefined;
}

export type ManagerReconcileFn = (key: string, ctx: ManagerReconcileContext) => Promise<ReconcileOutcome>;

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  /** Default: hostname + "_" + a random suffix. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Tests: a LeaseStore instead of the API server's Lease. */
  store?: LeaseStore;
}

export interface ManagerOptions {
  /** A KubeConfig, a kubeconfig file path, or nothing (in-cluster / $KUBECONFIG / ~/.kube/config). */
  kubeconfig?: KubeConfig | string;
  /** Namespace the controller is limited to: watches given as a ResourceRef list and watch only there. */
  namespace?: string;
  leaderElection?: LeaderElectionConfig;
  /** "host:port" for /metrics (default "127.0.0.1:8080"); "0" turns it off. */
  metricsBindAddress?: string;
  /** "host:port" for /healthz and /readyz (default "127.0.0.1:8081"); "0" turns it off. Same as metrics → one server. */
  healthBindAddress?: string;
  // biome-ignore lint/suspicious/noExplicitAny: each watch has its own object type; the manager only forwards them
  watches: WatchSpec<any>[];
  reconcile: ManagerReconcileFn;
  /** Concurrent reconciles (default 2). */
  workers?: number;
  /** Controller name in metrics and logs (default "site"). */
  name?: string;
  /** Log field holding the key (default "site"). */
  keyField?: string;
  rateLimits?: DefaultLimiterOptions;
  /** How long SIGTERM waits for running reconciles (default 25 s). */
  shutdownTimeoutMs?: number;
  /** Install SIGTERM/SIGINT handlers (default true). */
  handleSignals?: boolean;
  /** Called once the manager has stopped; default: process.exit(exit.code). */
  onExit?: (exit: ManagerExit) => void;
  log?: Logger;
  metrics?: ControllerMetrics;
  eventSink?: EventSink;
  clock?: Clock;
}

export interface ManagerExit {
  reason: 'signal' | 'leadership-lost' | 'stopped';
  code: number;
  signal?: NodeJS.Signals;
}

export interface Manager {
  readonly queue: WorkQueue<string>;
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  readonly events: EventRecorder;
  readonly kubeConfig: KubeConfig;
  informer<T extends KubernetesObject = KubernetesObject>(name: string): Informer<T> | undefined;
  /** True while this replica leads (always true without leader election, once workers started). */
  isLeader(): boolean;
  /** Informers synced and leader election leading or standing by. */
  ready(): boolean;
  healthUrl(): string | undefined;
  metricsUrl(): string | undefined;
  /** Graceful stop (what SIGTERM does). */
  stop(reason?: ManagerExit['reason']): Promise<ManagerExit>;
  readonly done: Promise<ManagerExit>;
}

export function ownKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/** A filter for a resource's own watch: spec changes (generation), annotations, labels, deletion; not status. */
export function specOrMetadataChanged(event: WatchEventKind, obj: KubernetesObject, old?: KubernetesObject): boolean {
  if (event !== 'update' || !old) return true;
  const a = obj.metadata ?? {};
  const b = old.metadata ?? {};
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {}) ||
    JSON.stringify(a.labels ?? {}) !== JSON.stringify(b.labels ?? {}) ||
    JSON.stringify(a.finalizers ?? []) !== JSON.stringify(b.finalizers ?? [])
  );
}

function resolveSource<T extends KubernetesObject>(
  source: ResourceRef | ResourceTarget | ListWatchSource<T>,
  namespace: string | undefined,
): ResourceTarget | ListWatchSource<T> {
  if (typeof source === 'string' || !('plural' in source)) return source;
  const { group, version, plural, namespace: own, ...selectors } = source;
  return { path: collectionPath({ group, version, plural, namespace: own ?? namespace }), ...selectors };
}

function loadKubeConfig(k: KubeConfig | string | undefined): KubeConfig {
  if (k instanceof KubeConfig) return k;
  const kc = new KubeConfig();
  if (typeof k === 'string') kc.loadFromFile(k);
  else kc.loadFromDefault();
  return kc;
}

export async function startManager(options: ManagerOptions): Promise<Manager> {
  const clock = options.clock ?? realClock;
  const name = options.name ?? 'site';
  const log = (options.log ?? createLogger()).child({ component: 'manager' });
  const metrics = options.metrics ?? createMetrics();
  const kc = loadKubeConfig(options.kubeconfig);
  const events = createEventRecorder({ sink: options.eventSink ?? apiEventSink(kc), log });
  const queue = createWorkQueue<string>({ clock, metrics: metrics.queueSink(name), limits: options.rateLimits });
  const informers = new Map<string, Informer<KubernetesObject>>();
  const mapCtx: MapContext = {
    informer: <T extends KubernetesObject>(n: string) => informers.get(n) as Informer<T> | undefined,
  };
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 25_000;
  let controller: ControllerHandle | undefined;
  let elector: LeaderElector | undefined;
  let stopping: Promise<ManagerExit> | undefined;
  let resolveDone!: (e: ManagerExit) => void;
  const done = new Promise<ManagerExit>((r) => (resolveDone = r));
  const servers: HealthServer[] = [];
  const onSignal = (sig: NodeJS.Signals) => void stop('signal', sig);
  const removeSignals = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };

  // --- informers → queue ---------------------------------------------------------------
  const names = new Set<string>();
  for (const w of options.watches) {
    if (names.has(w.name)) throw new Error(`two watches are named "${w.name}"`);
    names.add(w.name);
  }
  const enqueue = (
    w: WatchSpec<KubernetesObject>,
    event: WatchEventKind,
    obj: KubernetesObject,
    old?: KubernetesObject,
  ) => {
    if (w.filter && !w.filter(event, obj, old)) return;
    const keys = w.map ? w.map(obj, mapCtx, event) : [ownKey(obj)];
    for (const key of keys) queue.add(key);
  };
  for (const w of options.watches as WatchSpec<KubernetesObject>[]) {
    const inf = watchResources<KubernetesObject>(
      kc,
      resolveSource(w.source, options.namespace),
      {
        add: (obj) => enqueue(w, 'add', obj),
        update: (obj, old) => enqueue(w, 'update', obj, old),
        delete: (obj) => enqueue(w, 'delete', obj),
      },
      { name: w.name, log: log.child({ component: 'informer' }), clock },
    );
    informers.set(w.name, inf);
  }
  const synced = () => [...informers.values()].every((i) => i.hasSynced());

  // --- workers ------------------------------------------------------------------------
  const startWorkers = async () => {
    await Promise.all([...informers.values()].map((i) => i.waitForSync())).catch(() => undefined);
    if (stopping || controller) return;
    const ctxExtra = { events, metrics, kubeConfig: kc, informer: mapCtx.informer };
    controller = runController({
      queue,
      workers: options.workers ?? 2,
      name,
      log: options.log ?? log,
      metrics,
      clock,
      keyField: options.keyField ?? 'site',
      reconcile: (key, ctx) => options.reconcile(key, { ...ctx, ...ctxExtra }),
    });
  };

  // --- stop ---------------------------------------------------------------------------
  const stop = (reason: ManagerExit['reason'], signal?: NodeJS.Signals): Promise<ManagerExit> => {
    if (stopping) return stopping;
    stopping = (async () => {
      const lost = reason === 'leadership-lost';
      log.info('stopping', { reason, ...(signal ? { signal } : {}) });
      // Leadership lost: another replica may start in seconds, so do not linger.
      if (controller) await controller.stop(lost ? 2_000 : shutdownTimeoutMs);
      else queue.shutDown();
      if (elector && !lost) await elector.stop();
      await Promise.all([...informers.values()].map((i) => i.stop()));
      await Promise.race([events.flush(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await Promise.all(servers.map((s) => s.close()));
      removeSignals();
      const exit: ManagerExit = { reason, code: lost ? 1 : 0, ...(signal ? { signal } : {}) };
      log.info('stopped', { ...exit });
      resolveDone(exit);
      (options.onExit ?? ((e: ManagerExit) => process.exit(e.code)))(exit);
      return exit;
    })();
    return stopping;
  };

  // --- leader election ----------------------------------------------------------------
  const le = options.leaderElection;
  if (le) {
    const identity = le.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
    elector = startLeaderElection({
      store: le.store ?? apiLeaseStore(kc, le.namespace, le.name),
      identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      name: le.name,
      metrics,
      log,
      clock,
      onStartedLeading: () => void startWorkers(),
      onStoppedLeading: (why) => {
        if (why === 'lost') void stop('leadership-lost');
      },
    });
  } else {
    void startWorkers();
  }

  // --- health and metrics ---------------------------------------------------------------
  const metricsAddr = options.metricsBindAddress ?? '127.0.0.1:8080';
  const healthAddr = options.healthBindAddress ?? '127.0.0.1:8081';
  const readyChecks = {
    informers: () =>
      synced()
        ? true
        : `not synced: ${[...informers]
            .filter(([, i]) => !i.hasSynced())
            .map(([n]) => n)
            .join(', ')}`,
    ...(elector ? { leaderElection: () => (elector?.state() === 'stopped' ? 'stopped' : true) } : {}),
  };
  let metricsServer: HealthServer | undefined;
  let healthServer: HealthServer | undefined;
  try {
    if (metricsAddr !== '0' && metricsAddr === healthAddr) {
      metricsServer = healthServer = await startHealthServer({
        bindAddress: metricsAddr,
        registry: metrics.registry,
        readyChecks,
      });
      servers.push(metricsServer);
    } else {
      if (metricsAddr !== '0') {
        metricsServer = await startHealthServer({
          bindAddress: metricsAddr,
          registry: metrics.registry,
          probes: false,
        });
        servers.push(metricsServer);
      }
      if (healthAddr !== '0') {
        healthServer = await startHealthServer({ bindAddress: healthAddr, readyChecks });
        servers.push(healthServer);
      }
    }
  } catch (err) {
    await elector?.stop();
    await Promise.all([...informers.values()].map((i) => i.stop()));
    await Promise.all(servers.map((s) => s.close()));
    queue.shutDown();
    throw err;
  }

  // --- signals --------------------------------------------------------------------------
  if (options.handleSignals ?? true) {
    // Lasting listeners, removed on exit: with `once`, execa's signal-exit can find itself the
    // only SIGTERM listener, kill the running helm processes and re-raise the signal.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  log.info('started', {
    watches: options.watches.map((w) => w.name),
    workers: options.workers ?? 2,
    leaderElection: le ? `${le.namespace}/${le.name}` : false,
    metrics: metricsServer?.url(),
    health: healthServer?.url(),
  });

  return {
    queue,
    metrics,
    log,
    events,
    kubeConfig: kc,
    informer: mapCtx.informer,
    isLeader: () => (elector ? elector.isLeader() : controller !== undefined),
    ready: () => synced() && elector?.state() !== 'stopped',
    healthUrl: () => healthServer?.url(),
    metricsUrl: () => metricsServer?.url(),
    stop: (reason = 'stopped') => stop(reason),
    done,
  };
}
