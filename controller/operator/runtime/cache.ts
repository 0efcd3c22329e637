// The manager's shared informer cache: ONE informer per distinct (collection path, label
// selector, field selector) for the whole process, however many controllers watch it.
//
//   cache.resource<Site>(target)  → a typed handle: get / list / hasSynced / waitForSync /
//                                   onEvent(handlers) → unsubscribe
//   the informer's handlers       → fan out to every subscriber, in subscription order
//   a subscriber added late       → gets an `add` for every object already cached (as
//                                   client-go replays the store to a new event handler)
//   start()                       → starts every informer asked for so far, and any asked
//                                   for later at once; before start() a handle is empty
//   stop()                        → stops every informer
//
// A target given as a ListWatchSource object (tests) is shared by identity.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Clock } from './clock.js';
import { type Informer, type InformerHandlers, type ResourceTarget, watchResources } from './informer.js';
import type { ListWatchSource } from './kube-http.js';
import type { Logger } from './log.js';

export type CacheTarget<T extends KubernetesObject = KubernetesObject> = ResourceTarget | ListWatchSource<T>;

/** A typed view of one shared informer. */
export interface ResourceHandle<T extends KubernetesObject = KubernetesObject> {
  /** The informer's name (in logs and readiness): the first name it was asked for by, or its path. */
  readonly name: string;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): T[];
  hasSynced(): boolean;
  /** Resolves once the informer's first list was delivered (rejects if the cache stops first). */
  waitForSync(): Promise<void>;
  /** Subscribe to add/update/delete; returns the unsubscribe function. */
  onEvent(handlers: InformerHandlers<T>): () => void;
}

export interface SharedCache {
  resource<T extends KubernetesObject = KubernetesObject>(
    target: CacheTarget<T>,
    options?: { name?: string },
  ): ResourceHandle<T>;
  /** Distinct informers asked for (started or not). */
  size(): number;
  /** Names of the informers not synced yet (all of them before start()). */
  unsynced(): string[];
  start(): void;
  stop(): Promise<void>;
}

export interface SharedCacheOptions {
  kubeConfig?: KubeConfig;
  log?: Logger;
  clock?: Clock;
}

interface Slot {
  name: string;
  target: CacheTarget<KubernetesObject>;
  informer?: Informer<KubernetesObject>;
  subscribers: InformerHandlers<KubernetesObject>[];
  syncWaiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/** The identity of a path target: path + selectors (paging and timeouts do not change what is cached). */
export function targetKey(target: ResourceTarget): string {
  const t = typeof target === 'string' ? { path: target } : target;
  return JSON.stringify([t.path, t.labelSelector ?? '', t.fieldSelector ?? '']);
}

function isPathTarget(t: CacheTarget<KubernetesObject>): t is ResourceTarget {
  return typeof t === 'string' || 'path' in t;
}

export function createSharedCache(options: SharedCacheOptions = {}): SharedCache {
  const byKey = new Map<string, Slot>();
  const bySource = new Map<ListWatchSource<KubernetesObject>, Slot>();
  const slots: Slot[] = [];
  let started = false;
  let stopped = false;

  const fanOut = (slot: Slot): InformerHandlers<KubernetesObject> => ({
    // A copy of the list: a handler may unsubscribe (or subscribe) while being called.
    add: (obj) => {
      for (const s of [...slot.subscribers]) call(() => s.add?.(obj));
    },
    update: (obj, old) => {
      for (const s of [...slot.subscribers]) call(() => s.update?.(obj, old));
    },
    delete: (obj) => {
      for (const s of [...slot.subscribers]) call(() => s.delete?.(obj));
    },
  });
  const call = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      options.log?.error('cache subscriber threw', { error: err });
    }
  };

  const run = (slot: Slot) => {
    const inf = watchResources<KubernetesObject>(options.kubeConfig, slot.target, fanOut(slot), {
      name: slot.name,
      ...(options.log ? { log: options.log.child({ component: 'informer' }) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    slot.informer = inf;
    for (const w of slot.syncWaiters.splice(0)) inf.waitForSync().then(w.resolve, w.reject);
  };

  const slotFor = (target: CacheTarget<KubernetesObject>, name: string | undefined): Slot => {
    let slot = isPathTarget(target) ? byKey.get(targetKey(target)) : bySource.get(target);
    if (slot) return slot;
    const path = isPathTarget(target) ? (typeof target === 'string' ? target : target.path) : undefined;
    slot = { name: name ?? path ?? `informer-${slots.length + 1}`, target, subscribers: [], syncWaiters: [] };
    if (isPathTarget(target)) byKey.set(targetKey(target), slot);
    else bySource.set(target, slot);
    slots.push(slot);
    if (started && !stopped) run(slot);
    return slot;
  };

  const handle = <T extends KubernetesObject>(slot: Slot): ResourceHandle<T> => ({
    name: slot.name,
    get: (n, ns) => slot.informer?.get(n, ns) as T | undefined,
    list: (ns) => (slot.informer?.list(ns) ?? []) as T[],
    hasSynced: () => slot.informer?.hasSynced() ?? false,
    waitForSync: () => {
      if (slot.informer) return slot.informer.waitForSync();
      if (stopped) return Promise.reject(new Error('cache stopped'));
      return new Promise((resolve, reject) => slot.syncWaiters.push({ resolve, reject }));
    },
    onEvent: (handlers) => {
      const h = handlers as InformerHandlers<KubernetesObject>;
      slot.subscribers.push(h);
      for (const obj of slot.informer?.list() ?? []) call(() => h.add?.(obj));
      return () => {
        const i = slot.subscribers.indexOf(h);
        if (i >= 0) slot.subscribers.splice(i, 1);
      };
    },
  });

  return {
    resource: <T extends KubernetesObject>(target: CacheTarget<T>, o: { name?: string } = {}) =>
      handle<T>(slotFor(target as CacheTarget<KubernetesObject>, o.name)),
    size: () => slots.length,
    unsynced: () => slots.filter((s) => !s.informer?.hasSynced()).map((s) => s.name),
    start: () => {
      if (started || stopped) return;
      started = true;
      for (const s of slots) run(s);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const s of slots) for (const w of s.syncWaiters.splice(0)) w.reject(new Error('cache stopped'));
      await Promise.all(slots.map((s) => s.informer?.stop()));
    },
  };
}
