import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import { type ReconcileFn, runController } from './controller.js';
import { memoryLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { createWorkQueue } from './workqueue.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup(reconcile: ReconcileFn, workers = 2) {
  const clock = new FakeClock();
  const metrics = createMetrics({ processMetrics: false });
  const queue = createWorkQueue<string>({ clock, metrics: metrics.queueSink('site'), limits: { baseMs: 1000 } });
  const { log, lines } = memoryLogger();
  const ctl = runController({ queue, workers, reconcile, log, metrics, clock, keyField: 'site' });
  return { clock, metrics, queue, lines, ctl };
}

describe('runController', () => {
  it('reconciles keys; success forgets the backoff; requeueAfter re-adds later', async () => {
    const seen: string[] = [];
    const { clock, queue, metrics, ctl } = setup(async (key) => {
      seen.push(key);
      return key === 'ns/poll' ? { requeueAfterMs: 60_000 } : undefined;
    });
    queue.add('ns/a');
    queue.add('ns/poll');
    await clock.advance(0);
    expect(seen.sort()).toEqual(['ns/a', 'ns/poll']);
    await clock.advance(59_999);
    expect(seen).toHaveLength(2);
    await clock.advance(1);
    expect(seen).toHaveLength(3);
    const text = await metrics.text();
    expect(text).toContain('controller_runtime_reconcile_total{controller="site",result="success"} 1');
    expect(text).toContain('controller_runtime_reconcile_total{controller="site",result="requeue_after"} 2');
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="site"} 2');
    await ctl.stop();
  });

  it('a thrown error retries with exponential backoff, counts, logs with the key', async () => {
    const times: number[] = [];
    let fail = 3;
    const { clock, queue, metrics, lines, ctl } = setup(async () => {
      times.push(clock.now());
      if (fail-- > 0) throw new Error('render failed at site.yaml:3');
    });
    queue.add('ns/a');
    await clock.advance(0);
    await clock.advance(10_000);
    expect(times.map((t) => t - (times[0] as number))).toEqual([0, 1000, 3000, 7000]);
    const text = await metrics.text();
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="site"} 3');
    expect(text).toContain('workqueue_retries_total{name="site",controller="site"} 3');
    const err = lines.find((l) => l.msg === 'reconcile failed');
    expect(err).toMatchObject({
      level: 'error',
      site: 'ns/a',
      controller: 'site',
      error: { message: 'render failed at site.yaml:3' },
    });
    expect(queue.numRequeues('ns/a')).toBe(0);
    await ctl.stop();
  });

  it('never runs the same key twice at once; a change meanwhile reconciles again after', async () => {
    let running = 0;
    let maxRunning = 0;
    const gates: ReturnType<typeof deferred>[] = [];
    const { clock, queue, ctl } = setup(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const g = deferred();
      gates.push(g);
      await g.promise;
      running--;
    }, 4);
    queue.add('ns/a');
    await clock.advance(0);
    queue.add('ns/a');
    queue.add('ns/a');
    await clock.advance(0);
    expect(gates).toHaveLength(1);
    gates[0]?.resolve();
    await clock.advance(0);
    expect(gates).toHaveLength(2);
    gates[1]?.resolve();
    await clock.advance(0);
    expect(maxRunning).toBe(1);
    await ctl.stop();
  });

  it('stop(): takes no new keys, waits for running reconciles, then resolves', async () => {
    const gate = deferred();
    const started: string[] = [];
    const { clock, queue, ctl } = setup(async (key) => {
      started.push(key);
      await gate.promise;
    }, 1);
    queue.add('ns/a');
    queue.add('ns/b');
    await clock.advance(0);
    let stopped: unknown;
    void ctl.stop(10_000).then((r) => (stopped = r));
    await flushPromises();
    expect(stopped).toBeUndefined();
    expect(ctl.running()).toEqual(['ns/a']);
    gate.resolve();
    await clock.advance(0);
    expect(stopped).toEqual({ timedOut: false, running: [] });
    expect(started).toEqual(['ns/a']);
  });

  it('stop(): aborts `shutdown` at once, and `signal` at the deadline, then resolves', async () => {
    let signal: AbortSignal | undefined;
    let shutdown: AbortSignal | undefined;
    const { clock, queue, ctl } = setup(async (_key, ctx) => {
      signal = ctx.signal;
      shutdown = ctx.shutdown;
      await new Promise(() => undefined);
    }, 1);
    queue.add('ns/a');
    await clock.advance(0);
    expect(shutdown?.aborted).toBe(false);
    const p = ctl.stop(5000);
    expect(shutdown?.aborted).toBe(true);
    expect(signal?.aborted).toBe(false);
    await clock.advance(5000);
    expect(await p).toEqual({ timedOut: true, running: ['ns/a'] });
    expect(signal?.aborted).toBe(true);
  });
});
