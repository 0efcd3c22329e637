// A rate-limited work queue with client-go's guarantees:
// - a key is queued at most once however often it is added (the "dirty" set);
// - a key being processed is never handed to a second worker (the "processing" set);
//   adding it meanwhile marks it dirty, and `done` queues it again;
// - `addAfter` delays an add (the earliest pending time wins), `addRateLimited` delays it
//   by the rate limiter (per-key exponential backoff + an overall token bucket);
// - after `shutDown`, adds are ignored and `get` returns undefined once the queue is empty.
import { type Clock, realClock, type TimerHandle } from './clock.js';
import { type DefaultLimiterOptions, defaultRateLimiter, type RateLimiter } from './rate-limiter.js';

/** What the queue reports; metrics.ts implements it with controller-runtime's names. */
export interface QueueMetricsSink {
  /** An add that was accepted (counts dedup'ed adds too, as client-go does). */
  added(): void;
  depth(n: number): void;
  /** Seconds between the add and the `get` that returned the key. */
  queued(seconds: number): void;
  /** Seconds between `get` and `done`. */
  worked(seconds: number): void;
  retried(): void;
  /**
   * Called once by the queue with a function that returns how long (seconds) each key
   * being processed has been running, for unfinished-work and longest-running gauges.
   */
  inFlight?(running: () => number[]): void;
}

export interface WorkQueueOptions<K> {
  clock?: Clock;
  /** Default: per-key backoff base 1 s, max 5 min, and 10 qps burst 100 overall. */
  rateLimiter?: RateLimiter<K>;
  /** Options for the default rate limiter (ignored when rateLimiter is given). */
  limits?: DefaultLimiterOptions;
  metrics?: QueueMetricsSink;
}

export interface WorkQueue<K> {
  /** Queues `key` now (a no-op when it is already queued). */
  add(key: K): void;
  /** Queues `key` after `ms` (at once when ms ≤ 0); an earlier pending time wins. */
  addAfter(key: K, ms: number): void;
  /** Queues `key` after the rate limiter's delay for it (one more failure). */
  addRateLimited(key: K): void;
  /** Clears the rate limiter's failure history of `key`. */
  forget(key: K): void;
  /** Failures counted for `key` since it was last forgotten. */
  numRequeues(key: K): number;
  /** The next key, waiting for one; undefined once shut down and drained of queued keys. */
  get(): Promise<K | undefined>;
  /** Marks `key` processed; if it was added meanwhile, it is queued again. */
  done(key: K): void;
  /** Stops accepting adds and wakes every waiting `get` (queued keys are still handed out). */
  shutDown(): void;
  /** shutDown, then resolve once no key is being processed. */
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
  /** Keys queued and ready (not counting delayed ones or ones being processed). */
  len(): number;
  /** Keys waiting for their addAfter time. */
  delayedLen(): number;
  /** Keys currently handed out and not yet done. */
  processingLen(): number;
}

export function createWorkQueue<K = string>(options: WorkQueueOptions<K> = {}): WorkQueue<K> {
  return new RateLimitedQueue<K>(options);
}

class RateLimitedQueue<K> implements WorkQueue<K> {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  private readonly metrics: QueueMetricsSink | undefined;
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** When each queued (dirty) key was added, for the queue-duration metric. */
  private readonly addedAt = new Map<K, number>();
  /** When each processing key was handed out, for the work-duration metric. */
  private readonly startedAt = new Map<K, number>();
  private readonly delayed = new Map<K, { at: number; timer: TimerHandle }>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly drainers: (() => void)[] = [];
  private stopping = false;

  constructor(options: WorkQueueOptions<K>) {
    this.clock = options.clock ?? realClock;
    this.limiter = options.rateLimiter ?? defaultRateLimiter<K>(this.clock, options.limits);
    this.metrics = options.metrics;
    this.metrics?.inFlight?.(() => {
      const now = this.clock.now();
      return [...this.startedAt.values()].map((t) => (now - t) / 1000);
    });
  }

  add(key: K): void {
    if (this.stopping) return;
    this.metrics?.added();
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return; // queued again by done()
    this.enqueue(key);
  }

  addAfter(key: K, ms: number): void {
    if (this.stopping) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  addRateLimited(key: K): void {
    if (this.stopping) return;
    this.metrics?.retried();
    this.addAfter(key, this.limiter.when(key));
  }

  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.retries(key);
  }

  get(): Promise<K | undefined> {
    const key = this.take();
    if (key !== undefined || this.stopping) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: K): void {
    if (!this.processing.delete(key)) return;
    const started = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (started !== undefined) this.metrics?.worked((this.clock.now() - started) / 1000);
    if (this.dirty.has(key)) this.enqueue(key);
    if (this.processing.size === 0) for (const d of this.drainers.splice(0)) d();
  }

  shutDown(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    // Waiters only exist while the queue is empty: they all get "shut down".
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  shuttingDown(): boolean {
    return this.stopping;
  }

  len(): number {
    return this.queue.length;
  }

  delayedLen(): number {
    return this.delayed.size;
  }

  processingLen(): number {
    return this.processing.size;
  }

  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queue.push(key);
      waiter(this.take());
      return;
    }
    this.queue.push(key);
    this.metrics?.depth(this.queue.length);
  }

  private take(): K | undefined {
    if (this.queue.length === 0) return undefined;
    const key = this.queue.shift() as K;
    this.metrics?.depth(this.queue.length);
    this.processing.add(key);
    this.dirty.delete(key);
    const now = this.clock.now();
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.queued((now - added) / 1000);
    this.startedAt.set(key, now);
    return key;
  }
}
