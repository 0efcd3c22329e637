// One controller as the manager hosts it: its watches subscribed to the manager's shared cache,
// its own work queue (events go in on standby replicas too, so a new leader starts with every
// key queued), and its workers, started only when start() is called (the manager leads) and
// after the informers of its watches synced.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { ResourceHandle, SharedCache } from './cache.js';
import type { Clock } from './clock.js';
import { type ControllerHandle, type ReconcileContext, type ReconcileOutcome, runController } from './controller.js';
import type { EventRecorder } from './events.js';
import type { InformerHandlers, ResourceTarget } from './informer.js';
import { collectionPath, type ListWatchSource, type PathSourceOptions } from './kube-http.js';
import type { Logger } from './log.js';
import type { ControllerMetrics } from './metrics.js';
import type { DefaultLimiterOptions } from './rate-limiter.js';
import { createWorkQueue, type WorkQueue } from './workqueue.js';

export type WatchEventKind = 'add' | 'update' | 'delete';

export interface MapContext {
  /** Another watch of the same controller (by watch name), e.g. the Sites cache to find which Sites use a ConfigMap. */
  informer<T extends KubernetesObject = KubernetesObject>(name: string): ResourceHandle<T> | undefined;
}

/** A resource by group/version/plural; namespaced to the manager's `namespace` unless it names its own. */
export interface ResourceRef extends PathSourceOptions {
  group?: string;
  version: string;
  plural: string;
  namespace?: string;
}

export interface WatchSpec<T extends KubernetesObject = KubernetesObject> {
  /** Unique within the controller: in logs and for MapContext.informer(). */
  name: string;
  /** A resource, a collection path (with optional selectors), or any ListWatchSource (tests). */
  source: ResourceRef | ResourceTarget | ListWatchSource<T>;
  /** Keys ("namespace/name") to reconcile for a change of `obj`; default: the object's own key. */
  map?: (obj: T, ctx: MapContext, event: WatchEventKind, old?: T) => string[];
  /** Return false to ignore an event (e.g. an update that changed only status). Default: all events. */
  filter?: (event: WatchEventKind, obj: T, old?: T) => boolean;
  /**
   * Queue the keys this many ms after the event instead of at once: the events of a burst
   * (many Sites of one SiteSet changing) become one reconcile. Default 0.
   */
  delayMs?: number;
}

/** What every reconcile gets from the manager besides the runtime's context. */
export interface HostContext {
  events: EventRecorder;
  metrics: ControllerMetrics;
  kubeConfig: KubeConfig;
}

export interface ManagerReconcileContext extends ReconcileContext, HostContext {
  informer<T extends KubernetesObject = KubernetesObject>(name: string): ResourceHandle<T> | undefined;
}

export type ManagerReconcileFn = (key: string, ctx: ManagerReconcileContext) => Promise<ReconcileOutcome>;

/** A controller for Manager.addController(). */
export interface ControllerSpec {
  /** Unique in the manager: the `controller` label of its metrics and logs, its queue's name. */
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each watch has its own object type; the manager only forwards them
  watches: WatchSpec<any>[];
  reconcile: ManagerReconcileFn;
  /** Concurrent reconciles (default: the manager's `workers`). */
  workers?: number;
  /** Log field holding the key (default "key"). */
  keyField?: string;
  rateLimits?: DefaultLimiterOptions;
}

export interface HostedController {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  informer<T extends KubernetesObject = KubernetesObject>(watch: string): ResourceHandle<T> | undefined;
  /** The informers of its watches synced. */
  synced(): boolean;
  /** Workers running. */
  running(): boolean;
  /** Start the workers once its informers synced (idempotent; nothing after stop()). */
  start(): Promise<void>;
  /** Stop taking keys, wait up to deadlineMs for running reconciles, unsubscribe. */
  stop(deadlineMs: number): Promise<void>;
}

export function ownKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export interface HostOptions {
  cache: SharedCache;
  /** ResourceRef watches without their own namespace are limited to this one. */
  namespace?: string;
  defaults: { workers: number; rateLimits?: DefaultLimiterOptions };
  host: HostContext;
  log: Logger;
  metrics: ControllerMetrics;
  clock: Clock;
}

export function resolveSource<T extends KubernetesObject>(
  source: ResourceRef | ResourceTarget | ListWatchSource<T>,
  namespace: string | undefined,
): ResourceTarget | ListWatchSource<T> {
  if (typeof source === 'string' || !('plural' in source)) return source;
  const { group, version, plural, namespace: own, ...selectors } = source;
  return { path: collectionPath({ group, version, plural, namespace: own ?? namespace }), ...selectors };
}

export function hostController(spec: ControllerSpec, o: HostOptions): HostedController {
  const names = new Set<string>();
  for (const w of spec.watches) {
    if (names.has(w.name)) throw new Error(`controller "${spec.name}": two watches are named "${w.name}"`);
    names.add(w.name);
  }
  const queue = createWorkQueue<string>({
    clock: o.clock,
    metrics: o.metrics.queueSink(spec.name),
    limits: spec.rateLimits ?? o.defaults.rateLimits,
  });
  const handles = new Map<string, ResourceHandle<KubernetesObject>>();
  const mapCtx: MapContext = {
    informer: <T extends KubernetesObject>(n: string) => handles.get(n) as ResourceHandle<T> | undefined,
  };
  const unsubscribe: (() => void)[] = [];
  for (const w of spec.watches as WatchSpec<KubernetesObject>[]) {
    const h = o.cache.resource<KubernetesObject>(resolveSource(w.source, o.namespace), { name: w.name });
    handles.set(w.name, h);
    const enqueue = (event: WatchEventKind, obj: KubernetesObject, old?: KubernetesObject) => {
      if (w.filter && !w.filter(event, obj, old)) return;
      for (const key of w.map ? w.map(obj, mapCtx, event, old) : [ownKey(obj)])
        if (w.delayMs) queue.addAfter(key, w.delayMs);
        else queue.add(key);
    };
    const handlers: InformerHandlers<KubernetesObject> = {
      add: (obj) => enqueue('add', obj),
      update: (obj, old) => enqueue('update', obj, old),
      delete: (obj) => enqueue('delete', obj),
    };
    unsubscribe.push(h.onEvent(handlers));
  }
  const synced = () => [...handles.values()].every((h) => h.hasSynced());

  let workers: ControllerHandle | undefined;
  let stopped = false;
  let starting: Promise<void> | undefined;
  const start = () => {
    starting ??= (async () => {
      await Promise.all([...handles.values()].map((h) => h.waitForSync())).catch(() => undefined);
      if (stopped) return;
      workers = runController({
        queue,
        workers: spec.workers ?? o.defaults.workers,
        name: spec.name,
        log: o.log,
        metrics: o.metrics,
        clock: o.clock,
        keyField: spec.keyField ?? 'key',
        reconcile: (key, ctx) => spec.reconcile(key, { ...ctx, ...o.host, informer: mapCtx.informer }),
      });
    })();
    return starting;
  };

  return {
    name: spec.name,
    queue,
    informer: mapCtx.informer,
    synced,
    running: () => workers !== undefined,
    start,
    stop: async (deadlineMs) => {
      if (stopped) return;
      stopped = true;
      for (const u of unsubscribe.splice(0)) u();
      if (workers) await workers.stop(deadlineMs);
      else queue.shutDown();
    },
  };
}
