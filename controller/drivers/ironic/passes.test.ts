// The driver's node operations one pass at a time (BMO's actionResult): a pass looks, takes at
// most one action and returns requeue (with the carry) while Ironic works; the timeout counts
// from the carry's start across passes; power-on and leave-maintenance; the deployed marker.
import { describe, expect, it } from 'vitest';
import type { NodeCarry, NodePass, NodeSpec } from '../types.js';
import { createIronicDriver } from './driver.js';
import { createTestServer } from './testserver.js';

function setup(timeoutMs = 60_000) {
  const server = createTestServer();
  const clock = { now: 1_000_000 };
  const driver = createIronicDriver({
    url: 'http://127.0.0.1:6385',
    fetch: server.fetch,
    sleep: async () => {
      throw new Error('a pass must never sleep');
    },
    now: () => clock.now,
    pollIntervalMs: 100,
    maxPollIntervalMs: 1000,
    timeoutMs,
  });
  return { server, driver, clock };
}

const spec = (more: Partial<NodeSpec> = {}): NodeSpec => ({
  name: 'n1',
  bmc: { address: 'fake://n1' },
  properties: {},
  inspect: false,
  target: 'active',
  image: { url: 'http://i', checksum: 'c' },
  digest: 'd1',
  ...more,
});

const requeued = (r: NodePass): NodeCarry => {
  if (r.kind !== 'requeue') throw new Error(`expected requeue, got ${JSON.stringify(r)}`);
  return r.carry;
};

describe('ensure, pass by pass', () => {
  it('takes one action per pass and requeues until active; the carry is plain JSON', async () => {
    const { server, driver } = setup();
    const kinds: string[] = [];
    let carry: NodeCarry | undefined;
    let r: NodePass;
    let writesPerPass: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = server.writes().length;
      r = await driver.pass(spec(), 'ensure', carry);
      writesPerPass.push(server.writes().length - before);
      kinds.push(r.kind);
      if (r.kind !== 'requeue') break;
      carry = JSON.parse(JSON.stringify(r.carry)) as NodeCarry; // as the operator's status keeps it
    }
    expect(kinds.at(-1)).toBe('complete');
    expect(kinds.slice(0, -1).every((k) => k === 'requeue')).toBe(true);
    // create+manage, provide, active: never more than one provision action per pass
    writesPerPass = writesPerPass.filter((n) => n > 0);
    expect(Math.max(...writesPerPass)).toBeLessThanOrEqual(2);
    expect(carry?.issued).toEqual(['manage', 'provide', 'active']);
    // Reaching active, the node is marked as deployed by Slipway with this digest.
    const node = [...server.nodes.values()][0]!;
    expect(node.extra.slipway_deployed).toBe('d1');
    // In sync now: one more pass writes nothing.
    const n = server.writes().length;
    expect(await driver.pass(spec(), 'ensure')).toMatchObject({ kind: 'complete', changed: false });
    expect(server.writes().length).toBe(n);
  });

  it('times out from the operation’s start, not the pass’s', async () => {
    const { server, driver, clock } = setup(5_000);
    server.stick('deploying');
    server.addNode({ name: 'n1', provision_state: 'available', extra: { slipway_digest: 'd1' } });
    let carry = requeued(await driver.pass(spec(), 'ensure'));
    expect(carry.issued).toEqual(['active']);
    clock.now += 4_000;
    carry = requeued(await driver.pass(spec(), 'ensure', carry));
    clock.now += 2_000;
    expect(await driver.pass(spec(), 'ensure', carry)).toMatchObject({
      kind: 'error',
      retryable: true,
      message: 'node n1: still "deploying" (target "active") after 5 s',
    });
    // A new operation (no carry) starts the clock again.
    expect((await driver.pass(spec(), 'ensure')).kind).toBe('requeue');
  });

  it('backs off across passes as the loop did', async () => {
    const { server, driver } = setup();
    server.stick('deploying');
    server.addNode({ name: 'n1', provision_state: 'available', extra: { slipway_digest: 'd1' } });
    const delays: number[] = [];
    let carry: NodeCarry | undefined;
    for (let i = 0; i < 9; i++) {
      const r = await driver.pass(spec(), 'ensure', carry);
      if (r.kind !== 'requeue') throw new Error(r.kind);
      delays.push(r.afterMs);
      carry = r.carry;
    }
    expect(delays).toEqual([100, 100, 100, 100, 150, 225, 338, 507, 761]);
  });

  it('reports a node that disappears mid-operation instead of creating it again', async () => {
    const { server, driver } = setup();
    const carry = requeued(await driver.pass(spec({ target: 'available', image: undefined }), 'ensure'));
    server.nodes.clear();
    expect(await driver.pass(spec({ target: 'available', image: undefined }), 'ensure', carry)).toMatchObject({
      kind: 'error',
      message: 'node n1 disappeared from Ironic',
    });
    expect(server.nodes.size).toBe(0);
  });
});

describe('power-on', () => {
  it('asks once, then watches until the node is on', async () => {
    const { server, driver } = setup();
    server.addNode({ name: 'n1', provision_state: 'active', power_state: 'power off' });
    const carry = requeued(await driver.pass(spec(), 'power-on'));
    expect(server.writes().map((w) => [w.method, w.path.replace(/[0-9a-f-]{36}/, '{uuid}'), w.body])).toEqual([
      ['PUT', '/v1/nodes/{uuid}/states/power', { target: 'power on' }],
    ]);
    // Ironic shows the change pending (target_power_state) until the BMC has done it.
    const pending = requeued(await driver.pass(spec(), 'power-on', carry));
    expect(await driver.pass(spec(), 'power-on', pending)).toMatchObject({
      kind: 'complete',
      changed: true,
      node: { powerState: 'power on' },
    });
    expect(server.writes().length).toBe(1);
  });

  it('fails with last_error when the BMC did not power it on, without asking again', async () => {
    const { server, driver } = setup();
    server.addNode({ name: 'n1', provision_state: 'active', power_state: 'power off' });
    server.refusePower('n1', 'IPMI power on failed');
    let carry = requeued(await driver.pass(spec(), 'power-on'));
    carry = requeued(await driver.pass(spec(), 'power-on', carry)); // the change still pending
    const r = await driver.pass(spec(), 'power-on', carry);
    expect(r).toMatchObject({ kind: 'failed', message: 'node n1 did not power on: IPMI power on failed' });
    expect(server.writes().length).toBe(1);
  });
});

describe('leave-maintenance', () => {
  it('lifts the maintenance Slipway set (the reason it recorded) and forgets its mark', async () => {
    const { server, driver } = setup();
    const n = server.addNode({
      name: 'n1',
      provision_state: 'active',
      maintenance: true,
      maintenance_reason: 'slipway: fencing',
      extra: { slipway_maintenance: 'slipway: fencing' },
    });
    expect((await driver.list())[0]).toMatchObject({ maintenance: true, maintenanceBySlipway: true });
    expect(await driver.pass(spec(), 'leave-maintenance')).toMatchObject({ kind: 'complete', changed: true });
    expect(n.maintenance).toBe(false);
    expect(n.extra.slipway_maintenance).toBeUndefined();
  });

  it('leaves a maintenance someone else set, even over a stale Slipway mark', async () => {
    const { server, driver } = setup();
    server.addNode({
      name: 'n1',
      provision_state: 'active',
      maintenance: true,
      maintenance_reason: 'disk swap',
      extra: { slipway_maintenance: 'slipway: fencing' },
    });
    const [seen] = await driver.list();
    expect(seen).toMatchObject({ maintenance: true, maintenanceReason: 'disk swap' });
    expect(seen!.maintenanceBySlipway).toBeUndefined();
    expect(await driver.pass(spec(), 'leave-maintenance')).toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/set outside Slipway: disk swap/),
    });
    expect(server.writes()).toEqual([]);
  });
});
