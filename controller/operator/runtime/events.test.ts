import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { createEventRecorder, type EventSink } from './events.js';
import { memoryLogger } from './log.js';

const site = {
  apiVersion: 'slipway.dev/v1alpha1',
  kind: 'Site',
  metadata: { name: 'dc1', namespace: 'infra', uid: 'u-1', resourceVersion: '7' },
};

function fakeSink() {
  const store = new Map<string, CoreV1Event>();
  const calls: string[] = [];
  let rv = 1;
  let failNext: number | undefined;
  const sink: EventSink & { store: typeof store; calls: typeof calls; failWith(code: number): void } = {
    store,
    calls,
    failWith(code) {
      failNext = code;
    },
    async create(ns, event) {
      calls.push(`create ${ns}/${event.metadata.name}`);
      if (failNext !== undefined) throw Object.assign(new Error('boom'), { code: failNext, f: (failNext = undefined) });
      const saved = { ...event, metadata: { ...event.metadata, resourceVersion: String(rv++) } };
      store.set(`${ns}/${event.metadata.name}`, saved);
      return saved;
    },
    async replace(ns, name, event) {
      calls.push(`replace ${ns}/${name} count=${event.count}`);
      if (failNext !== undefined) throw Object.assign(new Error('gone'), { code: failNext, f: (failNext = undefined) });
      const saved = { ...event, metadata: { ...event.metadata, resourceVersion: String(rv++) } };
      store.set(`${ns}/${name}`, saved);
      return saved;
    },
  };
  return sink;
}

describe('event recorder', () => {
  it('writes a Normal event about the object', async () => {
    const sink = fakeSink();
    const rec = createEventRecorder({ sink, clock: new FakeClock(Date.UTC(2026, 0, 1)), instance: 'pod-a' });
    rec.normal(site, 'StepStarted', 'helm/ingress: upgrade');
    await rec.flush();
    const [ev] = [...sink.store.values()];
    expect(ev).toMatchObject({
      type: 'Normal',
      reason: 'StepStarted',
      message: 'helm/ingress: upgrade',
      count: 1,
      involvedObject: { kind: 'Site', name: 'dc1', namespace: 'infra', uid: 'u-1', apiVersion: 'slipway.dev/v1alpha1' },
      source: { component: 'slipway-controller' },
      reportingInstance: 'pod-a',
      metadata: { namespace: 'infra' },
    });
    expect(ev?.metadata.name).toMatch(/^dc1\.[0-9a-f]+$/);
  });

  it('folds repeats into a count bump of the same Event; different messages are new events', async () => {
    const sink = fakeSink();
    const clock = new FakeClock();
    const rec = createEventRecorder({ sink, clock });
    rec.warning(site, 'StepFailed', 'helm/ingress: timed out');
    rec.warning(site, 'StepFailed', 'helm/ingress: timed out');
    await clock.advance(5000);
    rec.warning(site, 'StepFailed', 'helm/ingress: timed out');
    rec.event(site, 'Warning', 'StepFailed', 'helm/db: timed out');
    await rec.flush();
    expect(sink.store.size).toBe(2);
    const repeated = [...sink.store.values()].find((e) => e.message === 'helm/ingress: timed out');
    expect(repeated?.count).toBe(3);
    expect(
      new Date(repeated?.lastTimestamp as Date).getTime() - new Date(repeated?.firstTimestamp as Date).getTime(),
    ).toBe(5000);
    expect(sink.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
  });

  it('never throws: a failed write is logged; an expired Event is written anew', async () => {
    const sink = fakeSink();
    const { log, lines } = memoryLogger();
    const rec = createEventRecorder({ sink, log });
    sink.failWith(403);
    expect(() => rec.normal(site, 'Ready', 'applied')).not.toThrow();
    await rec.flush();
    expect(lines.some((l) => l.msg === 'could not write event' && l.level === 'warn')).toBe(true);
    rec.normal(site, 'Ready', 'applied');
    await rec.flush();
    sink.failWith(404);
    rec.normal(site, 'Ready', 'applied');
    await rec.flush();
    expect(sink.calls.at(-2)).toMatch(/^replace .* count=2$/);
    expect(sink.calls.at(-1)).toMatch(/^create /);
    expect(() => rec.normal({} as never, 'X', 'y')).not.toThrow();
    await rec.flush();
  });

  it('truncates long messages', async () => {
    const sink = fakeSink();
    const rec = createEventRecorder({ sink });
    rec.normal(site, 'Long', 'x'.repeat(5000));
    await rec.flush();
    expect([...sink.store.values()][0]?.message?.length).toBe(1024);
  });
});
