import { describe, expect, it } from 'vitest';
import { createIronicClient, IronicError, ironicFault, safeBaseUrl } from './client.js';
import { createTestServer } from './testserver.js';
import { negotiate } from './version.js';

const PASSWORD = 'ironic-pa55word';

function setup(maxVersion?: string, retry?: { attempts?: number; lockedAttempts?: number }) {
  const server = createTestServer({ maxVersion });
  const sleeps: number[] = [];
  const client = createIronicClient({
    url: 'http://127.0.0.1:6385/',
    username: 'slipway',
    password: PASSWORD,
    fetch: server.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    retry: { baseMs: 500, maxMs: 8000, ...retry },
  });
  return { server, client, sleeps };
}

async function failure(p: Promise<unknown>): Promise<IronicError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IronicError);
    return err as IronicError;
  }
  throw new Error('expected a failure');
}

describe('microversion negotiation', () => {
  it.each([
    ['1.115', undefined, 110],
    ['1.99', undefined, 99],
    ['1.82', undefined, 82],
    ['1.115', '1.82', 82],
  ])('server max %s, cap %s → 1.%i', (max, cap, want) => {
    expect(negotiate(max, cap)).toBe(want);
  });

  it('refuses an Ironic older than 1.82', () => {
    expect(() => negotiate('1.81')).toThrow(/Ironic API 1.81 is older than 1.82 \(Ironic 21.4\)/);
    expect(() => negotiate(undefined)).toThrow(/did not report a usable API version/);
  });

  it('asks GET / once and sends the negotiated version with basic auth on every request', async () => {
    const { server, client } = setup('1.95');
    await client.request('GET', '/v1/nodes');
    await client.request('GET', '/v1/nodes');
    expect(server.requests.map((r) => r.path)).toEqual(['/', '/v1/nodes', '/v1/nodes']);
    expect(server.requests.slice(1).every((r) => r.version === '1.95')).toBe(true);
    expect(server.requests[1]!.authorization).toBe(`Basic ${Buffer.from(`slipway:${PASSWORD}`).toString('base64')}`);
    expect(await client.supports('portName')).toBe(true);
    expect(await client.supports('deployWaitAbort')).toBe(false);
  });

  it('sends no Authorization header without a username', async () => {
    const server = createTestServer();
    const client = createIronicClient({ url: 'http://127.0.0.1:6385', fetch: server.fetch });
    await client.request('GET', '/v1/nodes');
    expect(server.requests[1]!.authorization).toBeUndefined();
  });
});

describe('retries', () => {
  it('retries a refused connection with capped exponential back-off', async () => {
    const { server, client, sleeps } = setup();
    server.refuse(6);
    await client.request('GET', '/v1/nodes');
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('gives up after the budget with a clear message and no credentials', async () => {
    const { server, client, sleeps } = setup(undefined, { attempts: 4 });
    server.refuse(100);
    const err = await failure(client.request('GET', '/v1/nodes'));
    expect(err.kind).toBe('unreachable');
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(
      'Ironic at http://127.0.0.1:6385 is unreachable (ECONNREFUSED) after 4 attempts over 4 s: GET /',
    );
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('retries 503 the same way', async () => {
    const { server, client, sleeps } = setup();
    await client.version();
    server.unavailable(3);
    await client.request('GET', '/v1/nodes');
    expect(sleeps).toEqual([500, 1000, 2000]);
    server.unavailable(100);
    const err = await failure(client.request('GET', '/v1/nodes'));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(
      /^Ironic at http:\/\/127.0.0.1:6385 is unavailable \(HTTP 503: Service Unavailable\) after 10 attempts/,
    );
  });

  it("retries 409 'node locked' and then succeeds", async () => {
    const { server, client, sleeps } = setup();
    const node = server.addNode({ name: 'n1' });
    await client.version();
    server.locked(3);
    await client.request('PATCH', `/v1/nodes/${node.uuid}`, [{ op: 'add', path: '/extra/a', value: 1 }]);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(server.writes()).toHaveLength(4);
    expect(node.extra.a).toBe(1);
  });

  it('gives up on a lock after its own budget', async () => {
    const { server, client } = setup(undefined, { lockedAttempts: 3 });
    const node = server.addNode({ name: 'n1' });
    server.locked(100);
    const err = await failure(
      client.request('PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'manage', secret: PASSWORD }),
    );
    expect(err.kind).toBe('locked');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/node still locked after 3 attempts: Node 1234 is locked by host/);
    expect(err.message).not.toContain(PASSWORD);
  });

  it("does not retry any other 409 and quotes Ironic's fault without the request body", async () => {
    const { server, client, sleeps } = setup();
    server.addNode({ name: 'dup' });
    const err = await failure(
      client.request('POST', '/v1/nodes', { name: 'dup', driver_info: { redfish_password: PASSWORD } }),
    );
    expect(sleeps).toEqual([]);
    expect(err.status).toBe(409);
    expect(err.retryable).toBe(false);
    expect(err.ironicMessage).toBe('A node with name dup already exists.');
    expect(err.message).toBe('POST /v1/nodes → HTTP 409: A node with name dup already exists. [request req-2]');
    expect(err.message).not.toContain(PASSWORD);
  });

  it('a 404 is an error with status 404', async () => {
    const { client } = setup('1.82');
    const err = await failure(client.request('GET', '/v1/nodes/missing'));
    expect(err.status).toBe(404);
    // Below 1.107 the request id is not quoted.
    expect(err.message).toBe('GET /v1/nodes/missing → HTTP 404: Node missing could not be found.');
  });
});

describe('helpers', () => {
  it('strips credentials from the base URL', () => {
    expect(safeBaseUrl('http://user:pw@127.0.0.1:6385/?x=1')).toBe('http://127.0.0.1:6385');
  });
  it("reads Ironic's nested faultstring", () => {
    expect(ironicFault(JSON.stringify({ error_message: JSON.stringify({ faultstring: 'boom' }) }))).toBe('boom');
    expect(ironicFault(JSON.stringify({ error_message: { faultstring: 'boom2' } }))).toBe('boom2');
    expect(ironicFault('plain text')).toBe('plain text');
  });
});
