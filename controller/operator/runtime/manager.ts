// The manager hosts the controllers of `slipway controller` (controller-runtime's Manager):
//   one shared informer cache (cache.ts) ─ one informer per distinct collection + selectors,
//                                          fanned out to every controller that watches it
//   controllers (addController)          ─ each its own watches → keys → work queue → workers
//   leader election (optional)           ─ leading → every controller's workers start (after
//                                          the informers of its watches synced)
//                                          └ lost → stop at once and exit 1 (another replica leads)
//   /metrics, /healthz, /readyz on 127.0.0.1 (configurable); /readyz covers every informer
//   SIGTERM / SIGINT → every controller stops taking keys and lets running reconciles finish
//                      (one deadline), release the Lease, stop the informers, flush events, exit 0
// Informers run on standby replicas too, so a new leader starts with warm caches and queues
// that already hold every key.
//
//   const mgr = createManager(options);  registerSiteController(mgr, …);  registerSiteSetController(mgr, …);
//   await mgr.start();  await mgr.done;
// startManager(options) is createManager + (options.watches/reconcile as one controller) + start.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { createSharedCache, type ResourceHandle, type SharedCache } from './cache.js';
import { type Clock, realClock } from './clock.js';
import { apiEventSink, createEventRecorder, type EventRecorder, type EventSink } from './events.js';
import { type HealthServer, startHealthServer } from './health.js';
import {
  type ControllerSpec,
  type HostedController,
  hostController,
  type ManagerReconcileFn,
  type WatchEventKind,
  type WatchSpec,
} from './hosted-controller.js';
import { apiLeaseStore, type LeaderElector, type LeaseStore, startLeaderElection } from './leader-election.js';
import { createLogger, type Logger } from './log.js';
import { type ControllerMetrics, createMetrics } from './metrics.js';
import type { DefaultLimiterOptions } from './rate-limiter.js';

export {
  type ControllerSpec,
  type HostedController,
  type ManagerReconcileContext,
  type ManagerReconcileFn,
  type MapContext,
  ownKey,
  type ResourceRef,
  type WatchEventKind,
  type WatchSpec,
} from './hosted-controller.js';

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
  /** With `reconcile`: one controller registered at start (startManager only). */
  // biome-ignore lint/suspicious/noExplicitAny: each watch has its own object type; the manager only forwards them
  watches?: WatchSpec<any>[];
  reconcile?: ManagerReconcileFn;
  /** Concurrent reconciles of a controller that does not say (default 2). */
  workers?: number;
  /** Name of the controller given by `watches`/`reconcile`, in metrics and logs (default "site"). */
  name?: string;
  /** Log field holding the key for that controller (default "site"). */
  keyField?: string;
  /** Rate limits of a controller that does not give its own. */
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
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  readonly events: EventRecorder;
  readonly kubeConfig: KubeConfig;
  /** The shared informer cache: `cache.resource<Site>(target)` for typed reads and extra handlers. */
  readonly cache: SharedCache;
  /** Hosts a controller; before or after start(). Names are unique. */
  addController(spec: ControllerSpec): HostedController;
  controller(name: string): HostedController | undefined;
  /** A watch's informer by watch name (the first controller that has a watch of that name). */
  informer<T extends KubernetesObject = KubernetesObject>(name: string): ResourceHandle<T> | undefined;
  /** Starts the informers, leader election, probes and signal handling (idempotent). */
  start(): Promise<void>;
  /** True while this replica leads (without leader election: once started). */
  isLeader(): boolean;
  /** Every informer synced and leader election leading or standing by. */
  ready(): boolean;
  healthUrl(): string | undefined;
  metricsUrl(): string | undefined;
  /** Graceful stop (what SIGTERM does). */
  stop(reason?: ManagerExit['reason']): Promise<ManagerExit>;
  readonly done: Promise<ManagerExit>;
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

function loadKubeConfig(k: KubeConfig | string | undefined): KubeConfig {
  if (k instanceof KubeConfig) return k;
  const kc = new KubeConfig();
  if (typeof k === 'string') kc.loadFromFile(k);
  else kc.loadFromDefault();
  return kc;
}

export function createManager(options: ManagerOptions): Manager {
  const clock = options.clock ?? realClock;
  const rootLog = options.log ?? createLogger();
  const log = rootLog.child({ component: 'manager' });
  const metrics = options.metrics ?? createMetrics();
  const kc = loadKubeConfig(options.kubeconfig);
  const events = createEventRecorder({ sink: options.eventSink ?? apiEventSink(kc), log });
  const cache = createSharedCache({ kubeConfig: kc, log, clock });
  const controllers = new Map<string, HostedController>();
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 25_000;
  let elector: LeaderElector | undefined;
  let starting: Promise<void> | undefined;
  let leading = false;
  let stopping: Promise<ManagerExit> | undefined;
  let resolveDone!: (e: ManagerExit) => void;
  const done = new Promise<ManagerExit>((r) => (resolveDone = r));
  const servers: HealthServer[] = [];
  let metricsServer: HealthServer | undefined;
  let healthServer: HealthServer | undefined;
  const onSignal = (sig: NodeJS.Signals) => void stop('signal', sig);
  const removeSignals = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };

  const addController = (spec: ControllerSpec): HostedController => {
    if (stopping) throw new Error(`controller "${spec.name}": the manager is stopping`);
    if (controllers.has(spec.name)) throw new Error(`two controllers are named "${spec.name}"`);
    const c = hostController(spec, {
      cache,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      defaults: { workers: options.workers ?? 2, ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}) },
      host: { events, metrics, kubeConfig: kc },
      log: rootLog,
      metrics,
      clock,
    });
    controllers.set(spec.name, c);
    if (leading) void c.start();
    return c;
  };

  const lead = () => {
    if (stopping || leading) return;
    leading = true;
    for (const c of controllers.values()) void c.start();
  };

  // --- stop ---------------------------------------------------------------------------
  const stop = (reason: ManagerExit['reason'], signal?: NodeJS.Signals): Promise<ManagerExit> => {
    if (stopping) return stopping;
    stopping = (async () => {
      const lost = reason === 'leadership-lost';
      log.info('stopping', { reason, ...(signal ? { signal } : {}) });
      // Every controller drains at once, under one deadline. Leadership lost: another
      // replica may start in seconds, so do not linger.
      await Promise.all([...controllers.values()].map((c) => c.stop(lost ? 2_000 : shutdownTimeoutMs)));
      if (elector && !lost) await elector.stop();
      await cache.stop();
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

  const synced = () => cache.unsynced().length === 0;
  const informersCheck = () => {
    const missing = cache.unsynced();
    return missing.length === 0 ? true : `not synced: ${missing.join(', ')}`;
  };

  const start = () => {
    starting ??= (async () => {
      if (stopping) throw new Error('the manager has stopped');
      cache.start();
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
          onStartedLeading: lead,
          onStoppedLeading: (why) => {
            if (why === 'lost') void stop('leadership-lost');
          },
        });
      } else {
        lead();
      }

      // --- health and metrics -------------------------------------------------------------
      const readyChecks = {
        informers: informersCheck,
        ...(elector ? { leaderElection: () => (elector?.state() === 'stopped' ? 'stopped' : true) } : {}),
      };
      const metricsAddr = options.metricsBindAddress ?? '127.0.0.1:8080';
      const healthAddr = options.healthBindAddress ?? '127.0.0.1:8081';
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
        await Promise.all([...controllers.values()].map((c) => c.stop(0)));
        await cache.stop();
        await Promise.all(servers.map((s) => s.close()));
        throw err;
      }

      // --- signals ------------------------------------------------------------------------
      if (options.handleSignals ?? true) {
        // Lasting listeners, removed on exit: with `once`, execa's signal-exit can find itself the
        // only SIGTERM listener, kill the running helm processes and re-raise the signal.
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
      }

      log.info('started', {
        controllers: [...controllers.keys()],
        informers: cache.size(),
        leaderElection: le ? `${le.namespace}/${le.name}` : false,
        metrics: metricsServer?.url(),
        health: healthServer?.url(),
      });
    })();
    return starting;
  };

  return {
    metrics,
    log,
    events,
    kubeConfig: kc,
    cache,
    addController,
    controller: (n) => controllers.get(n),
    informer: <T extends KubernetesObject>(n: string) => {
      for (const c of controllers.values()) {
        const h = c.informer<T>(n);
        if (h) return h;
      }
      return undefined;
    },
    start,
    isLeader: () => (elector ? elector.isLeader() : leading && !stopping),
    ready: () => synced() && elector?.state() !== 'stopped',
    healthUrl: () => healthServer?.url(),
    metricsUrl: () => metricsServer?.url(),
    stop: (reason = 'stopped') => stop(reason),
    done,
  };
}

/** createManager + the controller given by `watches`/`reconcile` (if any) + start(). */
export async function startManager(options: ManagerOptions): Promise<Manager> {
  const mgr = createManager(options);
  if (options.watches && options.reconcile)
    mgr.addController({
      name: options.name ?? 'site',
      keyField: options.keyField ?? 'site',
      watches: options.watches,
      reconcile: options.reconcile,
    });
  else if (options.watches || options.reconcile) throw new Error('startManager: watches and reconcile go together');
  await mgr.start();
  return mgr;
}
