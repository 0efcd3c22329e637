// An aborted signal ends the Ironic client's retries at once (no 48 s of back-off after a fatal error).
import { describe, expect, it } from 'vitest';
import { createIronicClient, IronicError } from './client.js';

describe('abort', () => {
  it("a request retrying a dead Ironic rejects as 'aborted' as soon as the signal is aborted", async () => {
    const abort = new AbortController();
    let calls = 0;
    const client = createIronicClient({
      url: 'http://127.0.0.1:9',
      fetch: async () => {
        calls++;
        throw new TypeError('fetch failed');
      },
      signal: abort.signal,
    });
    const t0 = performance.now();
    const pending = client.request('GET', '/v1/nodes');
    setTimeout(() => abort.abort(new Error('stop')), 200);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IronicError);
    expect((err as IronicError).kind).toBe('aborted');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(calls).toBeLessThanOrEqual(2);
  });
  it('an already aborted signal makes no request', async () => {
    let calls = 0;
    const client = createIronicClient({
      url: 'http://127.0.0.1:9',
      fetch: async () => (calls++, new Response('{}')),
      signal: AbortSignal.abort(),
    });
    await expect(client.request('GET', '/v1/nodes')).rejects.toMatchObject({ kind: 'aborted' });
    expect(calls).toBe(0);
  });
});

describe('abort reaches every node operation', () => {
  it('a pass (ensure, power-on, leave-maintenance, remove) with an aborted signal makes no request and ends as a retryable-free error', async () => {
    const { createIronicDriver } = await import('./driver.js');
    let calls = 0;
    const driver = createIronicDriver({
      url: 'http://127.0.0.1:9',
      fetch: async () => (calls++, new Response('{}')),
      signal: AbortSignal.abort(new Error('shutting down')),
    });
    const spec = {
      name: 'n1',
      bmc: { address: 'fake://n1' },
      properties: {},
      inspect: false,
      target: 'available' as const,
      digest: 'd',
    };
    for (const op of ['ensure', 'power-on', 'leave-maintenance', 'remove'] as const) {
      const r = await driver.pass(spec, op);
      expect(r, op).toMatchObject({
        kind: 'error',
        retryable: false,
        message: expect.stringMatching(/cancelled: shutting down/),
      });
    }
    expect(await driver.ensure(spec)).toMatchObject({ kind: 'error', message: expect.stringMatching(/cancelled/) });
    expect(calls).toBe(0);
  });
});
