// An informer that keeps running: list, then watch from the list's resourceVersion,
// forever, until stop().
//
//   watch ends normally (server timeout)   → watch again from the last resourceVersion
//   BOOKMARK                               → remember its resourceVersion
//   410 Gone / "too old resource version"  → re-list at once
//   any other error (connection refused,
//   reset, HTTP 5xx/403, API server down)  → wait (1 s doubling to 30 s, jittered), re-list
//
// A re-list is compared with the cache: handlers get add for what appeared, update for
// what changed and delete for what vanished while the watch was down, so nothing that
// happened during an API-server restart is missed. Handlers run synchronously, in
// order; one that throws is logged and does not stop the informer.
// (client-node's ListWatch stops for good on most errors and needs a restart from outside;
// this loop owns that restart instead.)
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { type Clock, realClock, sleep } from './clock.js';
import {
  KubeHttpError,
  type ListWatchSource,
  type PathSourceOptions,
  pathListWatch,
  type WatchEvent,
} from './kube-http.js';
import { type Logger, nullLogger } from './log.js';

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(obj: T, old: T): void;
  /** `obj` is the last state seen (from the watch, or the cache when found missing on re-list). */
  delete?(obj: T): void;
}

export interface Informer<T> {
  /** True once the first list has been delivered to the handlers (stays true). */
  hasSynced(): boolean;
  /** Resolves when hasSynced() (rejects if stopped first). */
  waitForSync(): Promise<void>;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): T[];
  /** The resourceVersion the next watch would start from. */
  resourceVersion(): string;
  /** Times the informer has listed (1 after the first sync; more after errors). */
  listCount(): number;
  /** Stops watching; resolves once the loop has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface InformerOptions {
  /** Name in logs (default: the path). */
  name?: string;
  log?: Logger;
  clock?: Clock;
  /** Backoff before re-listing after an error (default 1 s doubling to 30 s). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A watch that lasted this long resets the backoff (default 10 s). */
  healthyWatchMs?: number;
  /** 0..1 → random; injected for tests (default Math.random). */
  random?: () => number;
  /**
   * Applied to every object before it is cached or handed out. Default: drop
   * metadata.managedFields (large, never needed by a controller; keeps RSS down).
   */
  transform?: <T extends KubernetesObject>(obj: T) => T;
}

/** The default transform: the object without metadata.managedFields. */
export function stripManagedFields<T extends KubernetesObject>(obj: T): T {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export type ResourceTarget = string | ({ path: string } & PathSourceOptions);

/**
 * Starts an informer for `target`: a collection path (e.g. `/apis/slipway.dev/v1alpha1/sites`
 * or `/api/v1/namespaces/ns/configmaps`, optionally with selectors), or any ListWatchSource.
 */
export function watchResources<T extends KubernetesObject>(
  kc: KubeConfig | undefined,
  target: ResourceTarget | ListWatchSource<T>,
  handlers: InformerHandlers<T>,
  options: InformerOptions = {},
): Informer<T> {
  let source: ListWatchSource<T>;
  let name = options.name;
  if (typeof target === 'string' || 'path' in target) {
    if (!kc) throw new Error('watchResources: a KubeConfig is needed to watch a path');
    const { path, ...rest } = typeof target === 'string' ? { path: target } : target;
    source = pathListWatch<T>(kc, path, rest);
    name ??= path;
  } else {
    source = target;
  }
  return new RestartingInformer<T>(source, handlers, { ...options, name: name ?? 'informer' });
}

function keyOf(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function isGone(err: unknown): boolean {
  return err instanceof KubeHttpError ? err.statusCode === 410 : (err as { statusCode?: number })?.statusCode === 410;
}

class WatchStatusError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

class RestartingInformer<T extends KubernetesObject> implements Informer<T> {
  private readonly cache = new Map<string, T>();
  private rv = '';
  private synced = false;
  private lists = 0;
  private readonly abort = new AbortController();
  private readonly loop: Promise<void>;
  private readonly syncWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly transform: (obj: T) => T;

  constructor(
    private readonly source: ListWatchSource<T>,
    private readonly handlers: InformerHandlers<T>,
    private readonly options: InformerOptions & { name: string },
  ) {
    this.log = (options.log ?? nullLogger).child({ informer: options.name });
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.transform = options.transform ?? stripManagedFields;
    this.loop = this.run();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.abort.signal.aborted) return Promise.reject(new Error('informer stopped'));
    return new Promise((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? '') === namespace);
  }

  resourceVersion(): string {
    return this.rv;
  }

  listCount(): number {
    return this.lists;
  }

  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort(new Error('informer stopped'));
    for (const w of this.syncWaiters.splice(0)) w.reject(new Error('informer stopped'));
    await this.loop;
  }

  private async run(): Promise<void> {
    const { baseMs = 1000, maxMs = 30_000 } = this.options.backoff ?? {};
    const healthyMs = this.options.healthyWatchMs ?? 10_000;
    const signal = this.abort.signal;
    let failures = 0;
    let needList = true;
    let watchStarted: number | undefined;
    while (!signal.aborted) {
      watchStarted = undefined;
      try {
        if (needList) {
          const { items, resourceVersion } = await this.source.list(signal);
          if (signal.aborted) break;
          this.replace(items.map((o) => this.transform(o)));
          this.rv = resourceVersion;
          this.lists++;
          needList = false;
          if (!this.synced) {
            this.synced = true;
            for (const w of this.syncWaiters.splice(0)) w.resolve();
            this.log.info('synced', { objects: this.cache.size, resourceVersion });
          } else {
            this.log.info('re-listed', { objects: this.cache.size, resourceVersion });
          }
        }
        watchStarted = this.clock.now();
        await this.source.watch(this.rv, (e) => this.onEvent(e), signal);
        if (this.clock.now() - watchStarted >= healthyMs) failures = 0;
        this.log.debug('watch ended; watching again', { resourceVersion: this.rv });
      } catch (err) {
        if (signal.aborted) break;
        needList = true;
        if (isGone(err)) {
          this.log.info('resourceVersion expired; re-listing', { resourceVersion: this.rv });
          continue;
        }
        // A watch that ran for a while before failing was a success: start the backoff over.
        if (watchStarted !== undefined && this.clock.now() - watchStarted >= healthyMs) failures = 0;
        const delay = Math.min(maxMs, baseMs * 2 ** failures) * (0.8 + 0.4 * this.random());
        failures++;
        this.log.warn('list/watch failed; re-listing after backoff', {
          error: err,
          retryInMs: Math.round(delay),
          failures,
        });
        try {
          await sleep(this.clock, delay, signal);
        } catch {
          break;
        }
      }
    }
    this.log.debug('stopped');
  }

  private onEvent(event: WatchEvent<T>): void {
    const obj = event.type === 'ERROR' || event.type === 'BOOKMARK' ? event.object : this.transform(event.object);
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const key = keyOf(obj);
        const old = this.cache.get(key);
        this.cache.set(key, obj);
        if (!old) this.call('add', () => this.handlers.add?.(obj));
        else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
          this.call('update', () => this.handlers.update?.(obj, old));
        break;
      }
      case 'DELETED': {
        const key = keyOf(obj);
        const had = this.cache.delete(key);
        if (had) this.call('delete', () => this.handlers.delete?.(obj));
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        const status = obj as unknown as { code?: number; message?: string; reason?: string };
        throw new WatchStatusError(`watch error: ${status.message ?? status.reason ?? 'unknown'}`, status.code ?? 500);
      }
      default:
        return;
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.rv = rv;
  }

  /** Makes the cache equal to `items`, calling the handlers for every difference. */
  private replace(items: T[]): void {
    const fresh = new Map<string, T>();
    for (const obj of items) fresh.set(keyOf(obj), obj);
    for (const [key, old] of [...this.cache]) {
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.call('delete', () => this.handlers.delete?.(old));
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (!old) this.call('add', () => this.handlers.add?.(obj));
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.call('update', () => this.handlers.update?.(obj, old));
    }
  }

  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`${what} handler threw`, { error: err });
    }
  }
}
