import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import { defaultRateLimiter, ExponentialBackoffLimiter, TokenBucketLimiter } from './rate-limiter.js';
import { createWorkQueue, type QueueMetricsSink } from './workqueue.js';

describe('rate limiters', () => {
  it('backs off per key from 1 s doubling to a 5 min cap, and forget resets', () => {
    const l = new ExponentialBackoffLimiter<string>();
    const delays = Array.from({ length: 12 }, () => l.when('a'));
    expect(delays.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(delays.at(-1)).toBe(300_000);
    expect(l.when('b')).toBe(1000);
    expect(l.retries('a')).toBe(12);
    l.forget('a');
    expect(l.when('a')).toBe(1000);
  });

  it('token bucket: burst free, then 1/qps apart; refills with time', async () => {
    const clock = new FakeClock();
    const b = new TokenBucketLimiter<string>(clock, { qps: 10, burst: 3 });
    expect([b.when('x'), b.when('y'), b.when('z')]).toEqual([0, 0, 0]);
    expect(b.when('x')).toBe(100);
    expect(b.when('x')).toBe(200);
    await clock.advance(1000);
    expect(b.when('x')).toBe(0);
  });

  it('default limiter takes the larger delay', () => {
    const clock = new FakeClock();
    const l = defaultRateLimiter<string>(clock, { baseMs: 10, maxMs: 1000, qps: 1, burst: 1 });
    expect(l.when('a')).toBe(10); // bucket had a token
    expect(l.when('b')).toBe(1000); // bucket empty: 1 s for the next token
  });
});

describe('work queue', () => {
  it('hands out keys in order and de-duplicates queued keys', async () => {
    const q = createWorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('never hands a key being processed to a second worker; re-queues it after done', async () => {
    const q = createWorkQueue<string>({ clock: new FakeClock() });
    q.add('site');
    expect(await q.get()).toBe('site');
    q.add('site'); // changed while worker 1 is busy
    q.add('site');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await flushPromises();
    expect(second).toBeUndefined();
    q.done('site');
    await flushPromises();
    expect(second).toBe('site');
    q.done('site');
    expect(q.len()).toBe(0);
    expect(q.processingLen()).toBe(0);
  });

  it('a waiting get is woken by an add', async () => {
    const q = createWorkQueue<string>({ clock: new FakeClock() });
    const p = q.get();
    q.add('x');
    expect(await p).toBe('x');
  });

  it('addAfter waits on the clock; the earliest pending time wins', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue<string>({ clock });
    q.addAfter('a', 5000);
    q.addAfter('a', 1000);
    q.addAfter('a', 9000);
    expect(q.delayedLen()).toBe(1);
    await clock.advance(999);
    expect(q.len()).toBe(0);
    await clock.advance(1);
    expect(q.len()).toBe(1);
    expect(q.delayedLen()).toBe(0);
    await clock.advance(10_000);
    expect(q.len()).toBe(1); // the later timers were replaced, not added
  });

  it('addRateLimited backs off exponentially per key; forget resets', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue<string>({ clock, limits: { baseMs: 1000, maxMs: 4000 } });
    const readyAfter = async (): Promise<number> => {
      const start = clock.now();
      while (q.len() === 0) await clock.advance(100);
      const k = (await q.get()) as string;
      q.done(k);
      return clock.now() - start;
    };
    q.addRateLimited('k');
    expect(await readyAfter()).toBe(1000);
    q.addRateLimited('k');
    expect(await readyAfter()).toBe(2000);
    q.addRateLimited('k');
    expect(await readyAfter()).toBe(4000);
    q.addRateLimited('k');
    expect(await readyAfter()).toBe(4000);
    expect(q.numRequeues('k')).toBe(4);
    q.forget('k');
    q.addRateLimited('k');
    expect(await readyAfter()).toBe(1000);
  });

  it('the global bucket delays a storm of first failures', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue<string>({ clock, limits: { baseMs: 1, qps: 10, burst: 2 } });
    for (const k of ['a', 'b', 'c', 'd']) q.addRateLimited(k);
    await clock.advance(1);
    expect(q.len()).toBe(2);
    await clock.advance(99);
    expect(q.len()).toBe(3);
    await clock.advance(100);
    expect(q.len()).toBe(4);
  });

  it('shutDown: adds ignored, queued keys still handed out, then undefined; waiters woken', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue<string>({ clock });
    q.add('a');
    q.addAfter('later', 1000);
    q.shutDown();
    q.add('b');
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
    await clock.advance(2000);
    expect(q.len()).toBe(0);

    const q2 = createWorkQueue<string>({ clock });
    const waiting = q2.get();
    q2.shutDown();
    expect(await waiting).toBeUndefined();
  });

  it('shutDownWithDrain resolves when the last processing key is done', async () => {
    const q = createWorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    const k = await q.get();
    let drained = false;
    void q.shutDownWithDrain().then(() => (drained = true));
    await flushPromises();
    expect(drained).toBe(false);
    q.done(k as string);
    await flushPromises();
    expect(drained).toBe(true);
  });

  it('reports metrics: adds, depth, queue and work durations, retries', async () => {
    const clock = new FakeClock();
    const seen = { adds: 0, depth: [] as number[], queued: [] as number[], worked: [] as number[], retries: 0 };
    const metrics: QueueMetricsSink = {
      added: () => seen.adds++,
      depth: (n) => seen.depth.push(n),
      queued: (s) => seen.queued.push(s),
      worked: (s) => seen.worked.push(s),
      retried: () => seen.retries++,
    };
    const q = createWorkQueue<string>({ clock, metrics });
    q.add('a');
    q.add('a');
    await clock.advance(500);
    const k = (await q.get()) as string;
    await clock.advance(250);
    q.done(k);
    q.addRateLimited('a');
    expect(seen.adds).toBe(2);
    expect(seen.depth).toEqual([1, 0]);
    expect(seen.queued).toEqual([0.5]);
    expect(seen.worked).toEqual([0.25]);
    expect(seen.retries).toBe(1);
  });
});
