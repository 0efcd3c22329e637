// Smoke test of the Ironic half of the e2e infrastructure (e2e/infra/ironic.sh):
// a real standalone Ironic, a real sushy-tools Redfish emulator and emulated IPMI
// BMCs (pyghmi, spoken to with ipmitool) on 127.0.0.1.
// When they are not up every test fails with the "run `npm run infra:up`" message;
// nothing is skipped.
import { afterAll, describe, expect, it } from 'vitest';
import {
  getIpmiPowerState,
  getRedfishSystem,
  IronicClient,
  type IronicEnv,
  ipmiDriverInfo,
  loadIronicEnv,
  redfishDriverInfo,
  requireIpmi,
} from '../support/ironic.js';

// Looked up inside each test, not in a hook, so a missing infra fails every test.
let cachedEnv: IronicEnv | undefined;
let cachedClient: Promise<IronicClient> | undefined;
const env = (): IronicEnv => (cachedEnv ??= loadIronicEnv());
const ironic = (): Promise<IronicClient> => (cachedClient ??= IronicClient.connect(env().ironic));

const run = `${Date.now().toString(36)}-${process.pid}`;
const created: string[] = [];

// Remove whatever a failed test left behind (best effort; never masks the failure).
afterAll(async () => {
  if (!cachedClient) return;
  const client = await cachedClient.catch(() => undefined);
  if (!client) return;
  for (const uuid of created) {
    try {
      const node = await client.findNode(uuid);
      if (!node) continue;
      if (node.provision_state === 'active') {
        await client.setProvisionState(uuid, 'deleted');
        await client.waitForProvisionState(uuid, 'available', { timeoutMs: 30_000 });
      }
      if (node.power_state === 'power on' && node.driver !== 'fake-hardware') {
        await client.setPowerState(uuid, 'power off');
        await client.waitForPowerState(uuid, 'power off', { timeoutMs: 60_000 });
      }
      await client.deleteNode(uuid);
    } catch (err) {
      console.warn(`cleanup of node ${uuid} failed: ${(err as Error).message}`);
    }
  }
}, 120_000);

describe('ironic smoke', () => {
  it('answers with a microversion and lists the enabled hardware types', async () => {
    const client = await ironic();
    expect(client.microversion).toMatch(/^1\.\d+$/);
    const names = (await client.listDrivers()).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['fake-hardware', 'ipmi', 'redfish']));
  });

  it('takes a fake-hardware node enroll → manageable → available → active → available → deleted', async () => {
    const client = await ironic();
    const name = `smoke-fake-${run}`;
    const node = await client.createNode({ driver: 'fake-hardware', name });
    created.push(node.uuid);
    expect(node.provision_state).toBe('enroll');
    expect(node.deploy_interface).toBe('fake');

    await client.setProvisionState(node.uuid, 'manage');
    expect((await client.waitForProvisionState(node.uuid, 'manageable')).provision_state).toBe('manageable');

    await client.setProvisionState(node.uuid, 'provide');
    expect((await client.waitForProvisionState(node.uuid, 'available')).provision_state).toBe('available');

    await client.setProvisionState(node.uuid, 'active');
    const active = await client.waitForProvisionState(node.uuid, 'active');
    expect(active.provision_state).toBe('active');
    expect(active.last_error).toBeNull();

    await client.setProvisionState(node.uuid, 'deleted'); // undeploy
    expect((await client.waitForProvisionState(node.uuid, 'available')).provision_state).toBe('available');

    await client.deleteNode(node.uuid);
    expect(await client.findNode(node.uuid)).toBeUndefined();
    expect(await client.findNode(name)).toBeUndefined();
  });

  it('runs automated cleaning on provide when the node asks for it', async () => {
    const client = await ironic();
    const node = await client.createNode({
      driver: 'fake-hardware',
      name: `smoke-clean-${run}`,
      automated_clean: true,
    });
    created.push(node.uuid);
    expect(node.automated_clean).toBe(true);
    await client.setProvisionState(node.uuid, 'manage');
    await client.waitForProvisionState(node.uuid, 'manageable');
    await client.setProvisionState(node.uuid, 'provide');
    const available = await client.waitForProvisionState(node.uuid, 'available');
    expect(available.last_error).toBeNull();
    // Cleaning really ran (with the fake interfaces it has no real steps to do).
    const events = (await client.getNodeHistory(node.uuid)).map((e) => e.event);
    expect(events.some((e) => /automated cleaning/i.test(e))).toBe(true);
    await client.deleteNode(node.uuid);
    expect(await client.findNode(node.uuid)).toBeUndefined();
  });

  it('powers a redfish node on and off through the sushy-tools emulator', async () => {
    const client = await ironic();
    const { sushy } = env();
    expect(sushy.systemIds.length).toBeGreaterThan(0);
    const systemId = sushy.systemIds[0]!;

    const node = await client.createNode({
      driver: 'redfish',
      name: `smoke-redfish-${run}`,
      driver_info: redfishDriverInfo(sushy, systemId),
    });
    created.push(node.uuid);
    expect(node.provision_state).toBe('enroll');
    expect(node.power_interface).toBe('redfish');

    // manage validates the BMC credentials and reads the power state from the emulator.
    await client.setProvisionState(node.uuid, 'manage');
    const managed = await client.waitForProvisionState(node.uuid, 'manageable', { timeoutMs: 60_000 });
    expect(['power on', 'power off']).toContain(managed.power_state);

    // Start from a known state: off (a previous run may have left the system on).
    if (managed.power_state !== 'power off') {
      await client.setPowerState(node.uuid, 'power off');
      await client.waitForPowerState(node.uuid, 'power off');
    }
    expect((await getRedfishSystem(sushy, systemId)).PowerState).toBe('Off');

    await client.setPowerState(node.uuid, 'power on');
    const on = await client.waitForPowerState(node.uuid, 'power on');
    expect(on.power_state).toBe('power on');
    expect(on.last_error).toBeNull();
    expect((await getRedfishSystem(sushy, systemId)).PowerState).toBe('On');

    await client.setPowerState(node.uuid, 'power off');
    expect((await client.waitForPowerState(node.uuid, 'power off')).power_state).toBe('power off');
    expect((await getRedfishSystem(sushy, systemId)).PowerState).toBe('Off');

    await client.deleteNode(node.uuid);
    expect(await client.findNode(node.uuid)).toBeUndefined();
  });

  it('powers an ipmi node on and off through an emulated IPMI BMC', async () => {
    const client = await ironic();
    const ipmi = requireIpmi(env());
    expect(ipmi.ports.length).toBeGreaterThan(0);
    const port = ipmi.ports[0]!;

    const node = await client.createNode({
      driver: 'ipmi',
      name: `smoke-ipmi-${run}`,
      driver_info: ipmiDriverInfo(ipmi, port),
    });
    created.push(node.uuid);
    expect(node.power_interface).toBe('ipmitool');

    await client.setProvisionState(node.uuid, 'manage');
    const managed = await client.waitForProvisionState(node.uuid, 'manageable', { timeoutMs: 60_000 });
    if (managed.power_state !== 'power off') {
      await client.setPowerState(node.uuid, 'power off');
      await client.waitForPowerState(node.uuid, 'power off');
    }
    expect(await getIpmiPowerState(ipmi, port)).toBe('off');

    await client.setPowerState(node.uuid, 'power on');
    const on = await client.waitForPowerState(node.uuid, 'power on');
    expect(on.last_error).toBeNull();
    expect(await getIpmiPowerState(ipmi, port)).toBe('on');

    await client.setPowerState(node.uuid, 'power off');
    expect((await client.waitForPowerState(node.uuid, 'power off')).power_state).toBe('power off');
    expect(await getIpmiPowerState(ipmi, port)).toBe('off');

    await client.deleteNode(node.uuid);
    expect(await client.findNode(node.uuid)).toBeUndefined();
  });
});
