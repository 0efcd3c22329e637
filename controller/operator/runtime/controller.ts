// Workers that pull keys off the work queue and reconcile them, with controller-runtime's
// result handling:
//   resolved, no requeue        → forget (reset the key's backoff)           result=success
//   { requeueAfterMs: n > 0 }   → forget, addAfter(n)                        result=requeue_after
//   { requeue: true }           → addRateLimited                             result=requeue
//   thrown / rejected           → addRateLimited, errors counter, logged     result=error
// The queue guarantees one reconcile per key at a time. stop(): take no more keys, wait
// for the running reconciles up to a deadline (then abort their signal), resolve.
import { type Clock, realClock } from './clock.js';
import { type Logger, nullLogger } from './log.js';
import type { ControllerMetrics } from './metrics.js';
import type { WorkQueue } from './workqueue.js';

export interface ReconcileContext {
  /** Aborted when shutdown begins: start no new helm/Ironic action; let running ones finish. */
  shutdown: AbortSignal;
  /** Aborted when the shutdown deadline passes: give up now (write status if you can) and return. */
  signal: AbortSignal;
  /** Logger whose lines carry the key (and controller name and reconcile id). */
  log: Logger;
  /** Failures of this key since its last success (0 on a first try). */
  retries: number;
}

export type ReconcileOutcome = { requeueAfterMs?: number; requeue?: boolean } | undefined;
export type ReconcileFn = (key: string, ctx: ReconcileContext) => Promise<ReconcileOutcome>;

export interface RunControllerOptions {
  queue: WorkQueue<string>;
  /** Concurrent reconciles (of different keys). */
  workers: number;
  reconcile: ReconcileFn;
  /** Controller name in metrics and logs (default "site"). */
  name?: string;
  log?: Logger;
  metrics?: ControllerMetrics;
  clock?: Clock;
  /** Log field that holds the key (default "key"; the manager uses "site"). */
  keyField?: string;
}

export interface StopResult {
  /** True when reconciles were still running at the deadline. */
  timedOut: boolean;
  /** Keys still being reconciled when stop() resolved. */
  running: string[];
}

export interface ControllerHandle {
  /** Stop taking keys (shuts the queue down), wait up to deadlineMs (default 30 s) for running reconciles. */
  stop(deadlineMs?: number): Promise<StopResult>;
  /** Resolves when every worker has exited. */
  readonly done: Promise<void>;
  /** Keys being reconciled now. */
  running(): string[];
}

export function runController(options: RunControllerOptions): ControllerHandle {
  const { queue, reconcile } = options;
  const name = options.name ?? 'site';
  const log = (options.log ?? nullLogger).child({ controller: name });
  const metrics = options.metrics;
  const clock = options.clock ?? realClock;
  const keyField = options.keyField ?? 'key';
  const workers = Math.max(1, Math.floor(options.workers));
  const abort = new AbortController();
  const shutdown = new AbortController();
  const active = new Set<string>();
  let stopping = false;
  let reconcileSeq = 0;

  metrics?.maxConcurrentReconciles.set({ controller: name }, workers);
  metrics?.activeWorkers.set({ controller: name }, 0);

  const processOne = async (key: string) => {
    const id = `${(++reconcileSeq).toString(36)}-${clock.now().toString(36)}`;
    const klog = log.child({ [keyField]: key, reconcileID: id });
    const retries = queue.numRequeues(key);
    const started = clock.now();
    active.add(key);
    metrics?.activeWorkers.set({ controller: name }, active.size);
    let result: 'success' | 'error' | 'requeue' | 'requeue_after';
    try {
      const out = await Promise.resolve().then(() =>
        reconcile(key, { shutdown: shutdown.signal, signal: abort.signal, log: klog, retries }),
      );
      if (out && typeof out.requeueAfterMs === 'number' && out.requeueAfterMs > 0) {
        queue.forget(key);
        queue.addAfter(key, out.requeueAfterMs);
        result = 'requeue_after';
      } else if (out?.requeue) {
        queue.addRateLimited(key);
        result = 'requeue';
      } else {
        queue.forget(key);
        result = 'success';
      }
      klog.debug('reconciled', { result, durationMs: clock.now() - started });
    } catch (err) {
      queue.addRateLimited(key);
      result = 'error';
      metrics?.reconcileErrors.inc({ controller: name });
      klog.error('reconcile failed', { error: err, retries: retries + 1, durationMs: clock.now() - started });
    } finally {
      active.delete(key);
      metrics?.activeWorkers.set({ controller: name }, active.size);
      queue.done(key);
    }
    metrics?.reconcileTotal.inc({ controller: name, result });
    metrics?.reconcileTime.observe({ controller: name }, (clock.now() - started) / 1000);
  };

  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (stopping) {
        queue.done(key); // not started: the next leader re-lists and picks it up
        continue;
      }
      await processOne(key);
    }
  };

  const done = Promise.all(Array.from({ length: workers }, worker)).then(() => undefined);
  log.info('workers started', { workers });

  return {
    done,
    running: () => [...active],
    async stop(deadlineMs = 30_000) {
      if (!stopping) log.info('stopping workers', { running: [...active], deadlineMs });
      stopping = true;
      if (!shutdown.signal.aborted) shutdown.abort(new Error('controller shutting down'));
      queue.shutDown();
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const timedOut = await Promise.race([
        done.then(() => false),
        new Promise<boolean>((resolve) => (timer = clock.setTimeout(() => resolve(true), deadlineMs))),
      ]);
      clock.clearTimeout(timer);
      if (timedOut) {
        log.warn('shutdown deadline passed with reconciles running', { running: [...active] });
        abort.abort(new Error('controller shutdown deadline passed'));
      } else {
        log.info('workers stopped');
      }
      return { timedOut, running: [...active] };
    },
  };
}
