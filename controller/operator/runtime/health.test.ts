import { afterEach, describe, expect, it } from 'vitest';
import { type HealthServer, parseBindAddress, startHealthServer } from './health.js';
import { createMetrics } from './metrics.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('health server', () => {
  it('parses bind addresses', () => {
    expect(parseBindAddress('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseBindAddress(':9090')).toEqual({ host: undefined, port: 9090 });
    expect(parseBindAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseBindAddress('nope')).toThrow(/host:port/);
  });

  it("binds every interface for an empty host (a pod's probes come to its pod IP)", async () => {
    const server = await startHealthServer({ bindAddress: ':0' });
    try {
      expect(['::', '0.0.0.0']).toContain(server.address().host);
      expect((await fetch(`http://127.0.0.1:${server.address().port}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('serves /metrics, /healthz and /readyz on 127.0.0.1', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.steps.inc({ state: 'Succeeded' });
    let leading: boolean | 'standby' = false;
    let synced = false;
    server = await startHealthServer({
      bindAddress: '127.0.0.1:0',
      registry: metrics.registry,
      readyChecks: {
        informers: () => (synced ? true : 'not synced'),
        leaderElection: () => (leading ? true : 'not started'),
      },
    });
    expect(server.address().host).toBe('127.0.0.1');
    const base = server.url();

    const m = await fetch(`${base}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(await m.text()).toContain('slipway_steps_total{state="Succeeded"} 1');

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('informers: not synced\nleaderElection: not started\n');

    synced = true;
    leading = 'standby';
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ok');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('a check that throws fails readiness instead of the server', async () => {
    server = await startHealthServer({
      bindAddress: '127.0.0.1:0',
      readyChecks: {
        broken: () => {
          throw new Error('bug');
        },
      },
    });
    const r = await fetch(`${server.url()}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('broken: Error: bug');
  });
});
