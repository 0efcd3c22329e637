// Rate limiters for the work queue: how long a key waits before its next retry.
// The default is the larger of a per-key exponential backoff and an overall token
// bucket (client-go's default controller rate limiter, with Slipway's numbers).
import type { Clock } from './clock.js';

export interface RateLimiter<K> {
  /** Delay in ms before `key` may be retried; counts as one more failure of `key`. */
  when(key: K): number;
  /** Clears the failure history of `key` (after a success). */
  forget(key: K): void;
  /** Failures counted for `key` since it was last forgotten. */
  retries(key: K): number;
}

export interface BackoffOptions {
  /** First delay, ms (default 1 000). */
  baseMs?: number;
  /** Largest delay, ms (default 300 000 = 5 min). */
  maxMs?: number;
}

/** baseMs · 2^(failures−1), capped at maxMs, per key. */
export class ExponentialBackoffLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 1_000;
    this.maxMs = options.maxMs ?? 300_000;
  }

  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long after it passed maxMs: the cap handles both.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface BucketOptions {
  /** Tokens added per second (default 10). */
  qps?: number;
  /** Bucket size (default 100). */
  burst?: number;
}

/**
 * A token bucket over all keys: each `when` takes one token, and waits for it when the
 * bucket is empty (reservations queue up behind each other, like rate.Limiter.Reserve).
 */
export class TokenBucketLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;

  constructor(
    private readonly clock: Clock,
    options: BucketOptions = {},
  ) {
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
    this.last = clock.now();
  }

  when(_key: K): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(_key: K): void {}

  retries(_key: K): number {
    return 0;
  }
}

/** The longest delay any of the limiters asks for. */
export class MaxOfLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(key: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(key));
    return max;
  }

  forget(key: K): void {
    for (const l of this.limiters) l.forget(key);
  }

  retries(key: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.retries(key));
    return max;
  }
}

export interface DefaultLimiterOptions extends BackoffOptions, BucketOptions {}

/** Per-key backoff 1 s → 5 min, and 10 qps / burst 100 overall (each configurable). */
export function defaultRateLimiter<K>(clock: Clock, options: DefaultLimiterOptions = {}): RateLimiter<K> {
  return new MaxOfLimiter<K>(new ExponentialBackoffLimiter<K>(options), new TokenBucketLimiter<K>(clock, options));
}
