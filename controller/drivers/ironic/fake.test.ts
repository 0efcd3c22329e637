import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../types.js';
import { createFakeIronicDriver } from './fake.js';

function spec(name: string, more: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name,
    bmc: { address: `fake://${name}` },
    properties: {},
    inspect: false,
    target: 'available',
    digest: 'd1',
    ...more,
  };
}

describe('fake Ironic driver', () => {
  it('enrolls to available, counts the writes the real driver would make, and is idempotent', async () => {
    const fake = createFakeIronicDriver();
    const states: string[] = [];
    const r = await fake.ensure(
      spec('n1', { bootMACAddress: '52:54:00:00:00:01' }),
      (e) => e.message || states.push(e.state),
    );
    expect(r).toMatchObject({
      kind: 'complete',
      created: true,
      changed: true,
      node: { provisionState: 'available', macs: ['52:54:00:00:00:01'] },
    });
    expect(states).toEqual(['enroll', 'manageable', 'available']);
    expect(fake.writes).toBe(4); // node, port, manage, provide
    fake.resetCounters();
    expect(await fake.ensure(spec('n1', { bootMACAddress: '52:54:00:00:00:01' }))).toMatchObject({
      kind: 'complete',
      changed: false,
    });
    expect(fake.writes).toBe(0);
    expect(fake.calls).toEqual([{ op: 'ensure', name: 'n1' }]);
  });

  it('deploys to active and removes (undeploy + delete)', async () => {
    const fake = createFakeIronicDriver();
    const s = spec('n1', { target: 'active', image: { url: 'http://i', checksum: 'c' }, inspect: true });
    expect(await fake.ensure(s)).toMatchObject({ kind: 'complete', node: { provisionState: 'active' } });
    expect(fake.writes).toBe(6); // node, manage, inspect, provide, active, the extra.slipway_deployed patch
    fake.resetCounters();
    expect(await fake.remove('n1')).toMatchObject({ kind: 'complete', changed: true });
    expect(fake.writes).toBe(2);
    expect(fake.node('n1')).toBeUndefined();
    expect(await fake.remove('n1')).toMatchObject({ kind: 'complete', changed: false });
  });

  it('patches once on a digest change and finds nodes by MAC', async () => {
    const fake = createFakeIronicDriver();
    await fake.ensure(spec('n1', { bootMACAddress: '52:54:00:00:00:02' }));
    fake.resetCounters();
    const r = await fake.ensure(spec('renamed', { bootMACAddress: '52:54:00:00:00:02', digest: 'd2' }));
    expect(r).toMatchObject({
      kind: 'complete',
      created: false,
      changed: true,
      node: { name: 'renamed', digest: 'd2' },
    });
    expect(fake.writes).toBe(1);
    expect((await fake.list()).map((n) => n.name)).toEqual(['renamed']);
  });

  it('injects failures with last_error, and outages', async () => {
    const fake = createFakeIronicDriver();
    fake.failNext('n1', 'enroll', 'Failed to get power state: 401');
    expect(await fake.ensure(spec('n1'))).toMatchObject({
      kind: 'failed',
      message: 'Failed to get power state: 401',
      node: { provisionState: 'enroll' },
    });
    expect(await fake.ensure(spec('n1'))).toMatchObject({ kind: 'complete', node: { provisionState: 'available' } });
    fake.setUnreachable(true);
    expect(await fake.ensure(spec('n1'))).toMatchObject({ kind: 'error', retryable: true });
    fake.setUnreachable(false);
    expect(await fake.ensure(spec('x', { bmc: { address: 'vnc://h' } }))).toMatchObject({
      kind: 'error',
      retryable: false,
    });
  });

  it('refuses to undeploy an active node whose spec lost its image', async () => {
    const fake = createFakeIronicDriver();
    fake.seed({ name: 'n1', provisionState: 'active', digest: 'd1' });
    expect(await fake.ensure(spec('n1'))).toMatchObject({ kind: 'failed' });
    expect(fake.writes).toBe(0);
  });
});
