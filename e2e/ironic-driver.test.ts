// The Ironic driver (controller/drivers/ironic) against the REAL local Ironic and the
// sushy-tools Redfish emulator started by e2e/infra/ironic.sh. When they are not up,
// every test fails with "run `npm run infra:up`": nothing is skipped.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createIronicDriver, type IronicDriverOptions } from '../controller/drivers/ironic/index.js';
import type { NodeResult, NodeSpec } from '../controller/drivers/types.js';
import { loadIronicEnv } from './support/ironic.js';

interface Env {
  url: string;
  username: string;
  password: string;
  sushyUrl: string;
  sushyUsername: string;
  sushyPassword: string;
  systemIds: string[];
}

const HINT = 'run `npm run infra:up` (or `bash e2e/infra/ironic.sh up`)';
let envPromise: Promise<Env> | undefined;

/** The connection details, checked to be answering. Throws with the infra:up hint. */
function env(): Promise<Env> {
  envPromise ??= (async () => {
    // e2e/.state/ironic.env (or the environment); throws IronicNotUpError with the hint.
    const { ironic, sushy } = loadIronicEnv();
    const e: Env = {
      url: ironic.url,
      username: ironic.username,
      password: ironic.password,
      sushyUrl: sushy.url,
      sushyUsername: sushy.username,
      sushyPassword: sushy.password,
      systemIds: sushy.systemIds,
    };
    try {
      const res = await fetch(`${e.url}/`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      throw new Error(`Ironic at ${e.url} is not reachable (${(err as Error).message}): ${HINT}`);
    }
    return e;
  })();
  return envPromise;
}

/** Every request the driver makes, for counting writes. */
interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
}

function recordingDriver(e: Env, extra: Partial<IronicDriverOptions> = {}) {
  const calls: Recorded[] = [];
  const driver = createIronicDriver({
    url: e.url,
    username: e.username,
    password: e.password,
    pollIntervalMs: 100,
    maxPollIntervalMs: 1000,
    timeoutMs: 120_000,
    fetch: (input, init) => {
      const u = new URL(input);
      calls.push({
        method: init.method ?? 'GET',
        path: u.pathname + u.search,
        headers: { ...(init.headers as Record<string, string>) },
      });
      return fetch(input, init);
    },
    ...extra,
  });
  const writes = () => calls.filter((c) => c.method !== 'GET');
  const reset = () => calls.splice(0, calls.length);
  return { driver, calls, writes, reset };
}

const run = `${Date.now().toString(36)}-${process.pid}`;
const made = new Set<string>();
const nodeName = (what: string) => {
  const n = `e2e-drv-${run}-${what}`;
  made.add(n);
  return n;
};
const mac = () => `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

function fakeSpec(name: string, more: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name,
    bmc: { address: `fake://${name}` },
    properties: { cpus: 2, memory_mb: 4096, local_gb: 20, cpu_arch: 'x86_64' },
    inspect: false,
    target: 'available',
    digest: `sha256:${name}-v1`,
    ...more,
  };
}

function expectComplete(r: NodeResult): Extract<NodeResult, { kind: 'complete' }> {
  if (r.kind !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(r)}`);
  return r;
}

// biome-ignore lint/suspicious/noExplicitAny: Ironic JSON read by field name in assertions
async function ironicGet(e: Env, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${e.url}${path}`, {
    headers: {
      Authorization: `Basic ${Buffer.from(`${e.username}:${e.password}`).toString('base64')}`,
      'X-OpenStack-Ironic-API-Version': '1.82',
    },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

afterAll(async () => {
  if (!envPromise) return;
  const e = await envPromise.catch(() => undefined);
  if (!e) return;
  const driver = createIronicDriver({
    url: e.url,
    username: e.username,
    password: e.password,
    pollIntervalMs: 200,
    timeoutMs: 120_000,
  });
  for (const name of made) {
    const r = await driver.remove(name);
    if (r.kind !== 'complete') console.warn(`cleanup of ${name}: ${r.kind}: ${'message' in r ? r.message : ''}`);
  }
}, 300_000);

describe('ironic driver against the local Ironic', () => {
  it('enrolls a fake:// node to available; a second ensure makes zero writes; list() is one request', async () => {
    const e = await env();
    const { driver, calls, writes, reset } = recordingDriver(e);
    const name = nodeName('avail');
    const states: string[] = [];
    const first = expectComplete(await driver.ensure(fakeSpec(name), (ev) => states.push(ev.state)));
    expect(first.created).toBe(true);
    expect(first.changed).toBe(true);
    expect(first.node.provisionState).toBe('available');
    expect(first.node.digest).toBe(`sha256:${name}-v1`);
    expect(first.node.driver).toBe('fake-hardware');
    expect(states).toEqual(expect.arrayContaining(['enroll', 'manageable', 'available']));
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1/nodes',
      `PUT /v1/nodes/${first.node.uuid}/states/provision`,
      `PUT /v1/nodes/${first.node.uuid}/states/provision`,
    ]);
    // Every request carries the negotiated microversion (the local Ironic is newer than Slipway).
    expect(
      calls.filter((c) => c.path !== '/').every((c) => c.headers['X-OpenStack-Ironic-API-Version'] === '1.110'),
    ).toBe(true);

    reset();
    const second = expectComplete(await driver.ensure(fakeSpec(name)));
    expect(second).toMatchObject({ created: false, changed: false });
    expect(second.node.uuid).toBe(first.node.uuid);
    expect(writes()).toEqual([]);

    reset();
    const listed = await driver.list();
    expect(calls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual(['GET /v1/nodes']);
    expect(listed.find((n) => n.name === name)).toMatchObject({
      provisionState: 'available',
      digest: `sha256:${name}-v1`,
    });
  });

  it('patches once when the digest changes, then is quiet again', async () => {
    const e = await env();
    const { driver, writes, reset } = recordingDriver(e);
    const name = nodeName('patch');
    expectComplete(await driver.ensure(fakeSpec(name)));
    reset();
    const changed = fakeSpec(name, { digest: `sha256:${name}-v2`, properties: { cpus: 8, memory_mb: 8192 } });
    const r = expectComplete(await driver.ensure(changed));
    expect(r).toMatchObject({ created: false, changed: true });
    expect(writes().map((c) => c.method)).toEqual(['PATCH']);
    const { body } = await ironicGet(e, `/v1/nodes/${name}`);
    expect(body.properties).toMatchObject({ cpus: 8, memory_mb: 8192, local_gb: 20 });
    expect(body.extra.slipway_digest).toBe(`sha256:${name}-v2`);
    reset();
    expectComplete(await driver.ensure(changed));
    expect(writes()).toEqual([]);
  });

  it('deploys a node with an image and a config drive to active, idempotently, and removes it', async () => {
    const e = await env();
    const { driver, writes, reset } = recordingDriver(e);
    const name = nodeName('active');
    const spec = fakeSpec(name, {
      target: 'active',
      image: { url: 'http://127.0.0.1:8080/images/ubuntu.qcow2', checksum: '0123456789abcdef0123456789abcdef' },
      configDrive: { meta_data: { hostname: name }, user_data: '#cloud-config\n' },
    });
    const states: string[] = [];
    const r = expectComplete(await driver.ensure(spec, (ev) => states.push(ev.state)));
    expect(states).toEqual(expect.arrayContaining(['enroll', 'manageable', 'available', 'active']));
    expect(r.node.provisionState).toBe('active');
    expect(r.node.lastError).toBeNull();
    const { body } = await ironicGet(e, `/v1/nodes/${name}`);
    expect(body.instance_info.image_source).toBe(spec.image!.url);
    expect(body.instance_info.image_checksum).toBe(spec.image!.checksum);

    reset();
    expectComplete(await driver.ensure(spec));
    expect(writes()).toEqual([]);

    reset();
    const removed = expectComplete(await driver.remove(name));
    expect(removed.changed).toBe(true);
    expect(writes().map((c) => `${c.method} ${c.path.replace(r.node.uuid, '{uuid}')}`)).toEqual([
      'PUT /v1/nodes/{uuid}/states/provision',
      'DELETE /v1/nodes/{uuid}',
    ]);
    expect((await ironicGet(e, `/v1/nodes/${r.node.uuid}`)).status).toBe(404);
    // Removing an absent node is a no-op.
    reset();
    expect(expectComplete(await driver.remove(name)).changed).toBe(false);
    expect(writes()).toEqual([]);
  });

  it('creates the boot port once and finds the node by MAC instead of creating a second one', async () => {
    const e = await env();
    const { driver, writes, reset } = recordingDriver(e);
    const bootMAC = mac();
    const name = nodeName('mac');
    const first = expectComplete(await driver.ensure(fakeSpec(name, { bootMACAddress: bootMAC })));
    expect(first.node.macs).toEqual([bootMAC]);
    const ports = await ironicGet(e, `/v1/ports?address=${bootMAC}&fields=uuid,node_uuid`);
    expect(ports.body.ports).toHaveLength(1);

    // The same machine under a new name: found by its port, renamed, not duplicated.
    reset();
    const renamed = nodeName('mac-renamed');
    const second = expectComplete(await driver.ensure(fakeSpec(renamed, { bootMACAddress: bootMAC })));
    expect(second.node.uuid).toBe(first.node.uuid);
    expect(second.node.name).toBe(renamed);
    expect(second.created).toBe(false);
    expect(writes().map((c) => c.method)).toEqual(['PATCH']);
    expect((await ironicGet(e, `/v1/nodes/${name}`)).status).toBe(404);
  });

  it('inspects when asked (fake inspect interface)', async () => {
    const e = await env();
    const { driver, writes } = recordingDriver(e);
    const name = nodeName('inspect');
    const r = expectComplete(await driver.ensure(fakeSpec(name, { inspect: true })));
    expect(r.node.provisionState).toBe('available');
    const targets = writes()
      .filter((c) => c.path.endsWith('/states/provision'))
      .map((c) => c.method);
    expect(targets).toHaveLength(3); // manage, inspect, provide
    const { body } = await ironicGet(e, `/v1/nodes/${name}`);
    expect(body.inspection_finished_at).not.toBeNull();
  });

  it('works at the oldest supported microversion, 1.82 (no port name)', async () => {
    const e = await env();
    const { driver, calls } = recordingDriver(e, { maxApiVersion: '1.82' });
    const name = nodeName('v182');
    const bootMAC = mac();
    const r = expectComplete(await driver.ensure(fakeSpec(name, { bootMACAddress: bootMAC })));
    expect(r.node.provisionState).toBe('available');
    expect(
      calls.filter((c) => c.path !== '/').every((c) => c.headers['X-OpenStack-Ironic-API-Version'] === '1.82'),
    ).toBe(true);
    const port = await fetch(`${e.url}/v1/ports?address=${bootMAC}&detail=true`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${e.username}:${e.password}`).toString('base64')}`,
        'X-OpenStack-Ironic-API-Version': '1.88',
      },
    }).then((res) => res.json() as Promise<{ ports: { name: string | null }[] }>);
    expect(port.ports[0]?.name ?? null).toBeNull();
  });

  it('enrolls a redfish+http:// node against the sushy-tools emulator', async () => {
    const e = await env();
    const { driver } = recordingDriver(e);
    const name = nodeName('redfish');
    const host = new URL(e.sushyUrl).host;
    const spec: NodeSpec = {
      name,
      bmc: {
        address: `redfish+http://${host}/redfish/v1/Systems/${e.systemIds[1] ?? e.systemIds[0]}`,
        credentials: { username: e.sushyUsername, password: e.sushyPassword },
      },
      properties: { cpus: 1, memory_mb: 1024, local_gb: 10, cpu_arch: 'x86_64' },
      inspect: false,
      target: 'available',
      digest: `sha256:${name}`,
    };
    const states: string[] = [];
    const r = await driver.ensure(spec, (ev) => states.push(ev.state));
    // Report what happened (the test log shows it).
    console.log(`redfish node: ${r.kind} via ${[...new Set(states)].join(' → ')}: ${JSON.stringify(r)}`);
    const ok = expectComplete(r);
    expect(ok.node.driver).toBe('redfish');
    expect(ok.node.provisionState).toBe('available');
    expect(['power on', 'power off']).toContain(ok.node.powerState);
    expect(JSON.stringify(r)).not.toContain(e.sushyPassword);
  });

  it("surfaces Ironic's last_error, without the password, when the BMC credentials are wrong", async () => {
    const e = await env();
    const { driver } = recordingDriver(e);
    const name = nodeName('badcreds');
    const host = new URL(e.sushyUrl).host;
    const wrong = `Wr0ng-${randomBytes(6).toString('hex')}`;
    const spec: NodeSpec = {
      name,
      bmc: {
        address: `redfish+http://${host}/redfish/v1/Systems/${e.systemIds[2] ?? e.systemIds[0]}`,
        credentials: { username: e.sushyUsername, password: wrong },
      },
      properties: {},
      inspect: false,
      target: 'available',
      digest: `sha256:${name}`,
    };
    const r = await driver.ensure(spec);
    console.log(`wrong credentials: ${JSON.stringify(r)}`);
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    const { body } = await ironicGet(e, `/v1/nodes/${name}`);
    expect(body.provision_state).toBe('enroll');
    expect(body.last_error).toBeTruthy();
    expect(r.message).toBe(body.last_error);
    expect(r.node?.lastError).toBe(body.last_error);
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect(JSON.stringify(r)).not.toContain(e.sushyPassword);
  });
});
