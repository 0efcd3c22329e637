// Node drift against the REAL local Ironic (fake-hardware nodes, e2e/infra/ironic.sh), through
// the real `slipway diff` and `slipway apply --only nodes`: an operator powers a deployed node off
// by hand, and puts another in maintenance (and powers it off) by hand, through Ironic's REST API
// as `baremetal node power off` / `baremetal node maintenance set` would. diff reports both (warn
// and enabled); apply --drift-detection enabled powers the first back on and leaves the second
// alone, in maintenance and off. A deployed node undeployed by hand is reported and never
// redeployed, until a new `redeploy` value in its slipway/BaremetalHost/v1 asks for it.
// Needs only Ironic. Each run has its own copy of site-manifests with unique node names and MACs.

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/env.js';
import { IronicClient, type IronicNode, loadIronicEnv } from './support/ironic.js';

const CLI = path.join(repoRoot, 'dist/controller/cli/main.js');
const run = Math.floor(Math.random() * 0xffff);
const prefix = `nd${run.toString(16)}`;
const mac = `52:54:${((run >> 8) & 0xff).toString(16).padStart(2, '0')}:${(run & 0xff).toString(16).padStart(2, '0')}:c0:`;
const N1 = `${prefix}-node-01`;
const N2 = `${prefix}-node-02`;

let work: string;
let ironic: IronicClient;

async function slipway(command: 'diff' | 'apply', ...args: string[]) {
  const env = loadIronicEnv().ironic;
  return execa('node', [CLI, command, path.join(work, 'site-manifests'), '--site', 'lab', '--only', 'nodes', ...args], {
    cwd: work,
    reject: false,
    all: true,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      SLIPWAY_CACHE: path.join(work, 'cache'),
      IRONIC_URL: env.url,
      IRONIC_USERNAME: env.username,
      IRONIC_PASSWORD: env.password,
    },
    extendEnv: false,
  });
}

const node = (name: string): Promise<IronicNode & { maintenance_reason?: string | null }> => ironic.getNode(name);

async function rewrite(edit: (text: string) => string): Promise<void> {
  const { stdout } = await execa('find', [path.join(work, 'site-manifests'), '-name', '*.yaml']);
  for (const file of stdout.split('\n').filter(Boolean)) await writeFile(file, edit(await readFile(file, 'utf8')));
}

beforeAll(async () => {
  ironic = await IronicClient.connect();
  work = await mkdtemp(path.join(tmpdir(), 'slipway-e2e-node-drift-'));
  await cp(path.join(repoRoot, 'site-manifests'), path.join(work, 'site-manifests'), { recursive: true });
  await cp(path.join(repoRoot, 'charts'), path.join(work, 'charts'), { recursive: true });
  await rewrite((t) => t.replace(/lab-node-/g, `${prefix}-node-`).replace(/52:54:00:1a:b0:/g, mac));
  const first = await slipway('apply');
  expect(first.exitCode, first.all).toBe(0);
  // (fake-hardware reports no power state until a power action or the periodic sync)
  for (const n of [N1, N2]) expect((await node(n)).provision_state).toBe('active');
});

afterAll(async () => {
  // Maintenance lets Ironic delete a node in any provision state.
  for (const n of [N1, N2, `${prefix}-node-03`]) {
    const found = await ironic.findNode(n).catch(() => undefined);
    if (!found) continue;
    await ironic
      .request('PUT', `/v1/nodes/${found.uuid}/maintenance`, { reason: 'e2e cleanup' })
      .catch(() => undefined);
    await ironic.deleteNode(found.uuid).catch(() => undefined);
  }
  if (work) await rm(work, { recursive: true, force: true });
});

describe('node drift, found and repaired', () => {
  it('a node powered off by hand is powered on; one put in maintenance and powered off by hand is reported and left alone', async () => {
    await ironic.setPowerState(N1, 'power off');
    await ironic.request('PUT', `/v1/nodes/${N2}/maintenance`, { reason: 'e2e: disk swap' });
    await ironic.setPowerState(N2, 'power off');
    await ironic.waitForPowerState(N1, 'power off');
    await ironic.waitForPowerState(N2, 'power off');

    // warn (the default): both reported, nothing would change
    const warn = await slipway('diff');
    expect(warn.exitCode, warn.all).toBe(0);
    expect(warn.stdout).toContain(
      `! node/${N1}: drift (powered-off: active but powered off (drift detection warn: not repaired))`,
    );
    expect(warn.stdout).toContain('    ~ powerState: power off → power on');
    expect(warn.stdout).toContain(
      `! node/${N2}: drift (maintenance: in maintenance set outside Slipway: e2e: disk swap: left alone until it is lifted)`,
    );
    expect(warn.stdout).toContain('0 of 3 steps would change');

    // enabled: power-on would run for N1 only
    const enabled = await slipway('diff', '--drift-detection', 'enabled');
    expect(enabled.exitCode, enabled.all).toBe(2);
    expect(enabled.stdout).toContain(`~ node/${N1}: power-on (powered-off: active but powered off)`);
    expect(enabled.stdout).toContain(`! node/${N2}: drift (maintenance:`);
    expect(enabled.stdout).toContain('1 of 3 steps would change');

    // apply warn changes nothing
    const applyWarn = await slipway('apply');
    expect(applyWarn.exitCode, applyWarn.all).toBe(0);
    expect((await node(N1)).power_state).toBe('power off');

    const apply = await slipway('apply', '--drift-detection', 'enabled', '-o', 'json');
    expect(apply.exitCode, apply.all).toBe(0);
    const summary = JSON.parse(apply.stdout.trim().split('\n').at(-1)!) as {
      results: { stepId: string; outcome: string; message: string }[];
    };
    const outcome = Object.fromEntries(summary.results.map((r) => [r.stepId, r.outcome]));
    expect(outcome).toEqual({
      [`node/${N1}`]: 'changed',
      [`node/${N2}`]: 'unchanged',
      [`node/${prefix}-node-03`]: 'unchanged',
    });
    expect(await node(N1)).toMatchObject({ provision_state: 'active', power_state: 'power on', maintenance: false });
    // the operator's node: still in maintenance with their reason, still off
    expect(await node(N2)).toMatchObject({
      provision_state: 'active',
      power_state: 'power off',
      maintenance: true,
      maintenance_reason: 'e2e: disk swap',
    });

    const after = await slipway('diff', '--drift-detection', 'enabled');
    expect(after.exitCode, after.all).toBe(0);
    expect(after.stdout).not.toContain(`node/${N1}`);
    expect(after.stdout).toContain(`! node/${N2}: drift (maintenance:`);

    // The operator lifts maintenance and leaves it off: now it is Slipway's to power on.
    await ironic.request('DELETE', `/v1/nodes/${N2}/maintenance`);
    const lifted = await slipway('apply', '--drift-detection', 'enabled');
    expect(lifted.exitCode, lifted.all).toBe(0);
    expect(await node(N2)).toMatchObject({ power_state: 'power on', maintenance: false });
  });

  it('a deployed node undeployed by hand is reported, never redeployed, until a new redeploy value asks for it', async () => {
    await ironic.setProvisionState(N1, 'deleted');
    await ironic.waitForProvisionState(N1, 'available');
    const diff = await slipway('diff', '--drift-detection', 'enabled');
    expect(diff.exitCode, diff.all).toBe(0);
    expect(diff.stdout).toContain(`! node/${N1}: drift (provision-drift: deployed by Slipway, found "available"`);
    const apply = await slipway('apply', '--drift-detection', 'enabled');
    expect(apply.exitCode, apply.all).toBe(0);
    expect((await node(N1)).provision_state).toBe('available');

    // The explicit document change: a redeploy value in the node's slipway/BaremetalHost/v1.
    const hosts = path.join(work, 'site-manifests/site/lab/baremetal/hosts.yaml');
    const text = await readFile(hosts, 'utf8');
    const at = text.indexOf(`  node: ${N1}\n`);
    expect(at).toBeGreaterThan(0);
    await writeFile(hosts, `${text.slice(0, at)}  redeploy: "e2e-1"\n${text.slice(at)}`);
    const asked = await slipway('diff', '--drift-detection', 'enabled');
    expect(asked.exitCode, asked.all).toBe(2);
    expect(asked.stdout).toContain(`~ node/${N1}: update (changed: the node spec changed)`);
    const redeploy = await slipway('apply', '--drift-detection', 'enabled');
    expect(redeploy.exitCode, redeploy.all).toBe(0);
    expect(await node(N1)).toMatchObject({ provision_state: 'active', power_state: 'power on' });
  });
});
