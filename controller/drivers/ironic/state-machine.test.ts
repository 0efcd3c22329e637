import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../types.js';
import { createIronicDriver } from './driver.js';
import { createTestServer } from './testserver.js';

const BMC_PASSWORD = 'bmc-pa55word-xyz';

function setup(opts: { maxVersion?: string; timeoutMs?: number } = {}) {
  const server = createTestServer({ maxVersion: opts.maxVersion });
  let clock = 0;
  const sleeps: number[] = [];
  const resolved: string[] = [];
  const driver = createIronicDriver({
    url: 'http://127.0.0.1:6385',
    username: 'slipway',
    password: 'pw',
    fetch: server.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    pollIntervalMs: 100,
    maxPollIntervalMs: 1000,
    timeoutMs: opts.timeoutMs ?? 60_000,
    resolveCredentials: async (ref) => {
      resolved.push(ref.name);
      return { username: 'admin', password: BMC_PASSWORD };
    },
  });
  return { server, driver, sleeps, resolved };
}

function spec(name: string, more: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name,
    bmc: { address: `fake://${name}` },
    properties: { cpus: 4, memory_mb: 8192 },
    inspect: false,
    target: 'available',
    digest: 'd1',
    ...more,
  };
}

const redfishSpec = (name: string, more: Partial<NodeSpec> = {}): NodeSpec =>
  spec(name, {
    bmc: {
      address: 'redfish+http://127.0.0.1:8000/redfish/v1/Systems/1',
      credentialsSecretRef: { name: `${name}-bmc` },
    },
    ...more,
  });

const writes = (server: ReturnType<typeof createTestServer>) =>
  server
    .writes()
    .map(
      (w) =>
        `${w.method} ${w.path.replace(/[0-9a-f-]{36}/, '{uuid}')}${w.body && !Array.isArray(w.body) && (w.body as { target?: string }).target ? ` ${(w.body as { target: string }).target}` : ''}`,
    );

describe('ensure', () => {
  it('creates a node and drives it enroll → manageable → available, then does nothing the second time', async () => {
    const { server, driver } = setup();
    const events: string[] = [];
    const r = await driver.ensure(spec('n1'), (e) => events.push(e.message ? `${e.state}: ${e.message}` : e.state));
    expect(r).toMatchObject({
      kind: 'complete',
      created: true,
      changed: true,
      node: { name: 'n1', provisionState: 'available', digest: 'd1' },
    });
    expect(writes(server)).toEqual([
      'POST /v1/nodes',
      'PUT /v1/nodes/{uuid}/states/provision manage',
      'PUT /v1/nodes/{uuid}/states/provision provide',
    ]);
    expect(events).toEqual([
      'enroll',
      'enroll: manage requested',
      'verifying',
      'manageable',
      'manageable: provide requested',
      'cleaning',
      'available',
    ]);
    const created = server.requests.find((q) => q.method === 'POST')!.body as Record<string, unknown>;
    expect(created).toMatchObject({
      name: 'n1',
      driver: 'fake-hardware',
      deploy_interface: 'fake',
      properties: { cpus: 4, memory_mb: 8192 },
      extra: { slipway_digest: 'd1', slipway_macs: [] },
    });

    const before = server.writes().length;
    const again = await driver.ensure(spec('n1'));
    expect(again).toMatchObject({ kind: 'complete', created: false, changed: false });
    expect(server.writes().length).toBe(before);
  });

  it('inspects first when asked', async () => {
    const { server, driver } = setup();
    const r = await driver.ensure(spec('n1', { inspect: true }));
    expect(r.kind).toBe('complete');
    expect(writes(server).slice(1)).toEqual([
      'PUT /v1/nodes/{uuid}/states/provision manage',
      'PUT /v1/nodes/{uuid}/states/provision inspect',
      'PUT /v1/nodes/{uuid}/states/provision provide',
    ]);
  });

  it('deploys to active with instance_info and the config drive', async () => {
    const { server, driver } = setup();
    const s = spec('n1', {
      target: 'active',
      image: { url: 'http://images/x.qcow2', checksum: 'abc', checksumType: 'sha256' },
      configDrive: { meta_data: { hostname: 'n1' } },
    });
    const r = await driver.ensure(s);
    expect(r).toMatchObject({ kind: 'complete', node: { provisionState: 'active' } });
    const deploy = server.requests.find((q) => (q.body as { target?: string })?.target === 'active')!;
    expect(deploy.body).toEqual({ target: 'active', configdrive: { meta_data: { hostname: 'n1' } } });
    const node = [...server.nodes.values()][0]!;
    expect(node.instance_info).toMatchObject({
      image_source: 'http://images/x.qcow2',
      image_os_hash_algo: 'sha256',
      image_os_hash_value: 'abc',
    });
    const n = server.writes().length;
    expect((await driver.ensure(s)).kind).toBe('complete');
    expect(server.writes().length).toBe(n);
  });

  it('reads Secret credentials only when it has something to write, and patches once when the digest changes', async () => {
    const { server, driver, resolved } = setup();
    expect((await driver.ensure(redfishSpec('n1'))).kind).toBe('complete');
    expect(resolved).toEqual(['n1-bmc']);
    const node = [...server.nodes.values()][0]!;
    expect(node.driver_info).toMatchObject({
      redfish_address: 'http://127.0.0.1:8000',
      redfish_password: BMC_PASSWORD,
    });

    expect((await driver.ensure(redfishSpec('n1'))).kind).toBe('complete');
    expect(resolved).toEqual(['n1-bmc']); // nothing to write: no Secret read

    const n = server.writes().length;
    const r = await driver.ensure(redfishSpec('n1', { digest: 'd2', properties: { cpus: 8 } }));
    expect(r).toMatchObject({ kind: 'complete', changed: true });
    expect(
      server
        .writes()
        .slice(n)
        .map((w) => w.method),
    ).toEqual(['PATCH']);
    expect(node.properties).toEqual({ cpus: 8, memory_mb: 8192 });
    expect(node.extra.slipway_digest).toBe('d2');
  });

  it("finds an existing node by its port's MAC and never creates a second one", async () => {
    const { server, driver } = setup();
    const old = server.addNode({ name: 'old-name', provision_state: 'available', extra: { slipway_digest: 'd1' } });
    server.ports.push({ uuid: 'p1', address: '52:54:00:aa:bb:cc', node_uuid: old.uuid });
    const r = await driver.ensure(spec('n1', { bootMACAddress: '52:54:00:AA:BB:CC' }));
    expect(r).toMatchObject({
      kind: 'complete',
      created: false,
      node: { uuid: old.uuid, name: 'n1', macs: ['52:54:00:aa:bb:cc'] },
    });
    expect(server.nodes.size).toBe(1);
    expect(writes(server)).toEqual(['PATCH /v1/nodes/{uuid}']);
  });

  it('creates the boot port with a name from API 1.88, without below', async () => {
    for (const [version, name] of [
      ['1.115', 'n1-boot'],
      ['1.82', undefined],
    ] as const) {
      const { server, driver } = setup({ maxVersion: version });
      expect((await driver.ensure(spec('n1', { bootMACAddress: '52:54:00:00:00:01' }))).kind).toBe('complete');
      expect(server.ports).toHaveLength(1);
      expect(server.ports[0]!.name).toBe(name);
      expect(server.requests.slice(1).every((q) => q.version === (version === '1.82' ? '1.82' : '1.110'))).toBe(true);
    }
  });

  it('uses the node someone else created between look-up and create', async () => {
    const { server } = setup();
    const real = server.fetch;
    let raced = false;
    server.fetch = async (input, init) => {
      if (!raced && init.method === 'POST') {
        raced = true;
        server.addNode({ name: 'n1' });
      }
      return real(input, init);
    };
    const driver = createIronicDriver({
      url: 'http://127.0.0.1:6385',
      fetch: (i, n) => server.fetch(i, n),
      sleep: async () => {},
      pollIntervalMs: 1,
    });
    const r = await driver.ensure(spec('n1'));
    expect(r).toMatchObject({ kind: 'complete', created: false, node: { provisionState: 'available' } });
    expect(server.nodes.size).toBe(1);
  });

  it("returns failed with Ironic's last_error, verbatim, when manage fails (bad credentials)", async () => {
    const { server, driver } = setup();
    const lastError =
      'Failed to get power state for node x. Error: HTTP GET http://127.0.0.1:8000/redfish/v1/Systems/1 returned code 401.';
    server.failOn('n1', 'manage', 'enroll', lastError);
    const r = await driver.ensure(redfishSpec('n1'));
    expect(r).toEqual({
      kind: 'failed',
      node: expect.objectContaining({ provisionState: 'enroll', lastError }),
      message: lastError,
    });
    expect(JSON.stringify(r)).not.toContain(BMC_PASSWORD);
    // The next ensure tries again (and here succeeds).
    expect((await driver.ensure(redfishSpec('n1'))).kind).toBe('complete');
  });

  it('checks new BMC settings of a node past enroll against the BMC: refused, it fails with BmcVerificationFailed and is marked not applied', async () => {
    const { server, driver } = setup();
    const ipmi = (password: string, digest: string, more: Partial<NodeSpec> = {}) =>
      spec('n1', {
        bmc: { address: 'ipmi://10.0.0.9:6230', credentials: { username: 'admin', password } },
        digest,
        ...more,
      });
    expect(await driver.ensure(ipmi(BMC_PASSWORD, 'd1'))).toMatchObject({ kind: 'complete', created: true });
    // Enrolled through manage, which verified the BMC: no boot-device read was needed.
    expect(server.requests.filter((q) => q.path.endsWith('/management/boot_device'))).toEqual([]);
    const stored = [...server.nodes.values()][0]!;
    expect(stored.extra.slipway_bmc).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.extra)).not.toContain(BMC_PASSWORD);

    // A property change keeps the BMC settings: patched, not checked.
    expect(await driver.ensure(ipmi(BMC_PASSWORD, 'd2', { properties: { cpus: 8 } }))).toMatchObject({
      kind: 'complete',
      changed: true,
    });
    expect(server.requests.filter((q) => q.path.endsWith('/management/boot_device'))).toEqual([]);

    server.refuseBmc('n1', 'IPMI call failed: chassis bootparam get 5.');
    const r = await driver.ensure(ipmi('wrong-password', 'd3'));
    expect(r).toEqual({
      kind: 'failed',
      node: expect.objectContaining({ provisionState: 'available' }),
      message:
        'BmcVerificationFailed: node n1: the BMC did not accept the node\'s new BMC settings (Ironic: IPMI call failed: chassis bootparam get 5.); the node stays "available" with them, marked as not applied, so the next apply tries again',
    });
    expect(stored.extra.slipway_digest).toBeUndefined();
    expect(stored.extra.slipway_bmc).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain('wrong-password');

    // Fixed: the next ensure patches and checks again, and records the digests.
    server.refuseBmc('n1', undefined);
    expect(await driver.ensure(ipmi(BMC_PASSWORD, 'd4'))).toMatchObject({ kind: 'complete', changed: true });
    expect(stored.extra.slipway_digest).toBe('d4');
    expect(server.requests.filter((q) => q.path.endsWith('/management/boot_device')).length).toBe(2);
  });

  it('masks the BMC password should Ironic ever echo it in last_error', async () => {
    const { server, driver } = setup();
    server.failOn('n1', 'manage', 'enroll', `login as admin/${BMC_PASSWORD} refused`);
    const r = await driver.ensure(redfishSpec('n1'));
    expect(r).toMatchObject({ kind: 'failed', message: 'login as admin/*** refused' });
  });

  it.each([
    ['provide', 'clean failed', 'Clean step failed: disk erase'],
    ['inspect', 'inspect failed', 'Inspection timed out'],
    ['active', 'deploy failed', 'Agent did not call back'],
  ])('a failed %s ends in failed with last_error', async (action, state, lastError) => {
    const { server, driver } = setup();
    server.failOn('n1', action, state, lastError);
    const s = spec('n1', { inspect: true, target: 'active', image: { url: 'http://i', checksum: 'c' } });
    const r = await driver.ensure(s);
    expect(r).toMatchObject({ kind: 'failed', message: lastError, node: { provisionState: state } });
    // A later ensure recovers from the failed state it did not cause.
    const again = await driver.ensure(s);
    expect(again).toMatchObject({ kind: 'complete', node: { provisionState: 'active' } });
  });

  it('does not undeploy or redeploy an active node', async () => {
    const { server, driver } = setup();
    server.addNode({
      name: 'n1',
      provision_state: 'active',
      extra: { slipway_digest: 'd1' },
      instance_info: { image_source: 'http://a' },
    });
    expect(await driver.ensure(spec('n1'))).toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/deployed \(active\).*--prune/),
    });
    const other = spec('n1', { target: 'active', image: { url: 'http://b', checksum: 'c' }, digest: 'd2' });
    expect(await driver.ensure(other)).toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/another image/),
    });
    expect(server.writes()).toEqual([]);
  });

  it('needs API 1.85 to release a node on hold', async () => {
    for (const [version, kind] of [
      ['1.82', 'failed'],
      ['1.115', 'complete'],
    ] as const) {
      const { server, driver } = setup({ maxVersion: version });
      server.addNode({ name: 'n1', provision_state: 'clean hold', extra: { slipway_digest: 'd1' } });
      const r = await driver.ensure(spec('n1'));
      expect(r.kind).toBe(kind);
      if (r.kind === 'failed') expect(r.message).toMatch(/needs Ironic API 1.85/);
    }
  });

  it('backs off while Ironic is busy and times out with a retryable error', async () => {
    const { server, driver, sleeps } = setup({ timeoutMs: 5_000 });
    server.stick('deploying');
    const r = await driver.ensure(spec('n1', { target: 'active', image: { url: 'http://i', checksum: 'c' } }));
    expect(r).toMatchObject({
      kind: 'error',
      retryable: true,
      message: 'node n1: still "deploying" (target "active") after 5 s',
    });
    // pollIntervalMs for the first polls in a state, then ×1.5 up to maxPollIntervalMs.
    const i = sleeps.lastIndexOf(100);
    expect(sleeps.slice(i - 2, i + 9)).toEqual([100, 100, 100, 150, 225, 338, 507, 761, 1000, 1000, 1000]);
  });

  it('reports a bad BMC address and missing credentials before touching Ironic', async () => {
    const { server, driver } = setup();
    expect(await driver.ensure(spec('n1', { bmc: { address: 'vnc://10.0.0.1' } }))).toMatchObject({
      kind: 'error',
      retryable: false,
      message: expect.stringMatching(/BMC address "vnc:\/\/10.0.0.1" has an unknown scheme "vnc"/),
    });
    expect(server.requests).toEqual([]);
    expect(await driver.ensure(spec('n2', { bmc: { address: 'ipmi://10.0.0.1' } }))).toMatchObject({
      kind: 'error',
      message: 'node n2: the BMC needs credentials and the spec gives none',
    });
    expect(server.writes()).toEqual([]);
  });

  it('refuses target active without an image', async () => {
    const { server, driver } = setup();
    expect(await driver.ensure(spec('n1', { target: 'active' }))).toEqual({
      kind: 'error',
      retryable: false,
      message: 'node n1: target "active" needs an image',
    });
    expect(server.requests).toEqual([]);
  });

  it('turns an unreachable Ironic into a retryable error', async () => {
    const { server, driver } = setup();
    server.refuse(1000);
    expect(await driver.ensure(spec('n1'))).toMatchObject({
      kind: 'error',
      retryable: true,
      message: expect.stringMatching(
        /^Ironic at http:\/\/127.0.0.1:6385 is unreachable \(ECONNREFUSED\) after 10 attempts/,
      ),
    });
  });
});

describe('remove', () => {
  it('undeploys an active node, then deletes it', async () => {
    const { server, driver } = setup();
    await driver.ensure(spec('n1', { target: 'active', image: { url: 'http://i', checksum: 'c' } }));
    const n = server.writes().length;
    const r = await driver.remove('n1');
    expect(r).toMatchObject({ kind: 'complete', changed: true, node: { provisionState: 'deleted' } });
    expect(writes(server).slice(n)).toEqual([
      'PUT /v1/nodes/{uuid}/states/provision deleted',
      'DELETE /v1/nodes/{uuid}',
    ]);
    expect(server.nodes.size).toBe(0);
  });

  it.each(['enroll', 'manageable', 'available'])('deletes a node in %s directly', async (state) => {
    const { server, driver } = setup();
    server.addNode({ name: 'n1', provision_state: state });
    expect((await driver.remove('n1')).kind).toBe('complete');
    expect(writes(server)).toEqual(['DELETE /v1/nodes/{uuid}']);
  });

  it('aborts a deploy stuck in wait call-back (API 1.110) before deleting', async () => {
    const { server, driver } = setup();
    server.addNode({ name: 'n1', provision_state: 'wait call-back' });
    expect((await driver.remove('n1')).kind).toBe('complete');
    expect(writes(server)).toEqual([
      'PUT /v1/nodes/{uuid}/states/provision abort',
      'PUT /v1/nodes/{uuid}/states/provision deleted',
      'DELETE /v1/nodes/{uuid}',
    ]);
  });

  it('is a no-op for an absent node', async () => {
    const { server, driver } = setup();
    expect(await driver.remove('ghost')).toMatchObject({ kind: 'complete', changed: false });
    expect(server.writes()).toEqual([]);
  });
});

describe('list', () => {
  it('is one request', async () => {
    const { server, driver } = setup();
    await driver.ensure(spec('n1', { bootMACAddress: '52:54:00:00:00:09' }));
    const before = server.requests.length;
    const nodes = await driver.list();
    expect(server.requests.length - before).toBe(1);
    expect(server.requests.at(-1)!.path).toMatch(/^\/v1\/nodes\?fields=uuid,name,driver,provision_state/);
    expect(nodes).toEqual([
      expect.objectContaining({ name: 'n1', provisionState: 'available', digest: 'd1', macs: ['52:54:00:00:00:09'] }),
    ]);
  });
});
