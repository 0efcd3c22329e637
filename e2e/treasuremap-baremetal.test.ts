// Airship's reference site repository, treasuremap v1.9 (../shared/airship, read its README.md):
// the site airsloop's bare metal, enrolled in the real local Ironic from its Drydock documents
// by the real `slipway apply --only nodes`, against the emulated IPMI BMC.
//
// airsloop has one drydock/BaremetalNode/v1, airsloop-compute-1: host profile compute_r720xd
// (layered on dp-global: oob type ipmi on network `oob`, account root, credential substituted
// from the Passphrase ipmi_admin_password), hardware profile dell_r720xd (boot_mode bios, boot
// disk an alias at SCSI 0:2.0.0). No document sets a boot MAC (Drydock learns it from MaaS), and
// no node asks for a deploy, so the node's target is `available`, and it has no Ironic port.
// Its oob type is ipmi, so the Redfish emulator has nothing to drive here.
//
// The repository is copied to a temp folder unchanged, and ONE site-layer file is added. The
// node and its Passphrase are in the site layer, the lowest of treasuremap's layering policy, and
// Deckhand layers a child only under a parent in a higher layer, so no Deckhand overlay can
// change them; what Slipway offers for that is the slipway/BaremetalHost/v1 that extends the
// node (its fields win over Drydock's). The file holds it: the BMC address on the emulator (a
// Drydock `addressing` entry holds no port), the emulator's username, and the password
// substituted from a deckhand/Passphrase/v1 (encrypted) in the same file, the env's password in
// the good run and a wrong one in the bad run. The plan test also shows that without
// credentials of its own the host keeps the node's Drydock ones (root, the site's Passphrase).

import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEnv, type IronicEnv as KubeIronicEnv, repoRoot, requireIronic, requireKube } from './support/env.js';
import { type IpmiEnv, IronicClient, type IronicNode, loadIronicEnv, requireIpmi } from './support/ironic.js';
import { treeHashes } from './support/tree-hashes.js';

const CLI = path.join(repoRoot, 'dist/controller/cli/main.js');
const AIRSHIP = process.env.SLIPWAY_AIRSHIP_DIR ?? path.resolve(repoRoot, '../shared/airship');
const TREASUREMAP = path.resolve(AIRSHIP, 'treasuremap-v1.9');
const SITE = 'airsloop';
const NODE = 'airsloop-compute-1';
const ADDED = path.join('site', SITE, 'baremetal', 'slipway-emulated-bmc.yaml');

type Event = {
  type: string;
  time: string;
  stepId?: string;
  message?: string;
  elapsedMs?: number;
  result?: { stepId: string; phase: string; outcome: string; message: string; durationMs: number };
  ok?: boolean;
};

let kubeEnv: KubeEnv | undefined;
let ironicVars: KubeIronicEnv | undefined;
let ipmi: IpmiEnv;
let ironic: IronicClient;
let work: string | undefined;
let repo: string;
let shimLog: string;
let originals: Map<string, string>;
/** Set once this run has found no node of that name in Ironic: then the node is ours to delete. */
let ours = false;
/** The site's own Passphrase value (the password the Drydock documents give the BMC). */
let sitePassword: string;
/** The password the bad Passphrase holds. */
let wrongPassword = '';
const timings: string[] = [];

async function slipway(...args: string[]) {
  const t0 = performance.now();
  const r = await execa('node', [CLI, args[0]!, repo, '--site', SITE, ...args.slice(1)], {
    cwd: work,
    reject: false,
    env: {
      ...kubeEnv!.vars,
      ...ironicVars!.vars,
      HELM: path.join(work!, 'helm'),
      KUBECONFIG: kubeEnv!.kubeconfig,
      SLIPWAY_CACHE: path.join(work!, 'cache'),
      HOME: work!,
    },
    extendEnv: false,
  });
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

const events = (stdout: string): Event[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Event);

const PASSPHRASE = 'airsloop-emulated-bmc-password';

/**
 * The added file: the node's BMC on the emulator, in a slipway/BaremetalHost/v1 (cleartext: its
 * fields are no secret), and, when `password` is given, the emulator's credentials: the username,
 * and the password substituted from a deckhand/Passphrase/v1 (encrypted) beside it. Without a
 * password the node keeps its Drydock credentials (oob.account, the Passphrase oob.credential names).
 */
async function addDocuments(password: string | undefined): Promise<void> {
  const port = ipmi.ports[0]!;
  const passphrase =
    password === undefined
      ? ''
      : `---
schema: deckhand/Passphrase/v1
metadata:
  schema: metadata/Document/v1
  name: ${PASSPHRASE}
  layeringDefinition:
    abstract: false
    layer: site
  storagePolicy: encrypted
data: ${JSON.stringify(password)}
...
`;
  const substitution =
    password === undefined
      ? ''
      : `  substitutions:
    - src: {schema: deckhand/Passphrase/v1, name: ${PASSPHRASE}, path: .}
      dest: {path: .bmc.credentials.password}
`;
  const credentials =
    password === undefined
      ? ''
      : `    credentials:\n      username: ${JSON.stringify(ipmi.username)}\n      password: from-the-passphrase\n`;
  await writeFile(
    path.join(repo, ADDED),
    `${passphrase}---
# Added for the emulated BMCs: ${NODE}'s BMC is the emulated IPMI BMC on ${ipmi.address}:${port}.
schema: slipway/BaremetalHost/v1
metadata:
  schema: metadata/Document/v1
  name: ${NODE}
  layeringDefinition:
    abstract: false
    layer: site
${substitution}  storagePolicy: cleartext
data:
  node: ${NODE}
  bmc:
    address: ipmi://${ipmi.address}:${port}
${credentials}...
`,
  );
}

const helmCalls = async () => (await readFile(shimLog, 'utf8')).split('\n').filter(Boolean);

/** Every secret this test knows of must be absent from what the CLI printed. */
function expectNoSecret(text: string): void {
  for (const secret of [ipmi.password, sitePassword, wrongPassword].filter(Boolean))
    expect(text.includes(secret), 'a password was printed').toBe(false);
}

async function node(): Promise<IronicNode | undefined> {
  return ironic.findNode(NODE);
}

describe('treasuremap v1.9 airsloop bare metal applied with slipway apply --only nodes', () => {
  beforeAll(async () => {
    if (!existsSync(path.join(TREASUREMAP, 'site', SITE, 'site-definition.yaml'))) {
      throw new Error(
        `the Airship reference repository is missing: expected treasuremap-v1.9 with site/${SITE} at ${TREASUREMAP} (set SLIPWAY_AIRSHIP_DIR to the folder holding treasuremap-v1.9)`,
      );
    }
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    kubeEnv = requireKube();
    ironicVars = requireIronic();
    const env = loadIronicEnv();
    ipmi = requireIpmi(env);
    ironic = await IronicClient.connect(env.ironic);
    if (await node()) throw new Error(`Ironic already has a node ${NODE} (another run of this test?): not touching it`);
    ours = true;
    work = await mkdtemp(path.join(tmpdir(), 'slipway-e2e-airsloop-'));
    repo = path.join(work, 'treasuremap');
    await cp(TREASUREMAP, repo, { recursive: true });
    originals = await treeHashes(TREASUREMAP);
    sitePassword = (
      await readFile(path.join(repo, 'site', SITE, 'secrets/passphrases/ipmi_admin_password.yaml'), 'utf8')
    )
      .match(/^data: (.+)$/m)![1]!
      .trim();
    expect(sitePassword).not.toBe(ipmi.password);
    shimLog = path.join(work, 'helm-calls.log');
    await writeFile(shimLog, '');
    await writeFile(path.join(work, 'helm'), `#!/bin/sh\necho "$*" >> '${shimLog}'\nexec '${kubeEnv.helm}' "$@"\n`);
    await chmod(path.join(work, 'helm'), 0o755);
  });

  afterAll(async () => {
    try {
      const n = ours ? await node() : undefined;
      if (n) {
        if (n.provision_state === 'active') {
          await ironic.setProvisionState(n.uuid, 'deleted');
          await ironic.waitForProvisionState(n.uuid, 'available', { timeoutMs: 120_000 });
        }
        await ironic.deleteNode(n.uuid);
      }
    } finally {
      if (timings.length) console.log(`treasuremap airsloop bare metal:\n  ${timings.join('\n  ')}`);
      if (work) await rm(work, { recursive: true, force: true });
    }
  }, 300_000);

  it('plans one IPMI node from the Drydock documents and the added documents, fetching no chart', async () => {
    await addDocuments(ipmi.password);
    const r = await slipway('plan', '--only', 'nodes', '-o', 'json');
    timings.push(`plan --only nodes: ${r.seconds.toFixed(2)} s`);
    expect(r.exitCode, r.stderr).toBe(0);
    expectNoSecret(r.stdout + r.stderr);
    const plan = JSON.parse(r.stdout) as {
      only: string;
      manifest?: string;
      phases: { kind: string; steps: { id: string; spec: Record<string, unknown> }[] }[];
    };
    expect(plan.only).toBe('nodes');
    expect(plan.manifest).toBeUndefined();
    expect(plan.phases.map((p) => p.kind)).toEqual(['baremetal']);
    expect(plan.phases[0]!.steps.map((s) => s.id)).toEqual([`node/${NODE}`]);
    expect(plan.phases[0]!.steps[0]!.spec).toMatchObject({
      name: NODE,
      site: SITE,
      bmc: { address: `ipmi://${ipmi.address}:${ipmi.ports[0]}`, credentials: { username: ipmi.username } },
      properties: { capabilities: 'boot_mode:bios', root_device: { hctl: '0:2:0:0' } },
      target: 'available',
    });
    expect(plan.phases[0]!.steps[0]!.spec.bootMACAddress).toBeUndefined();
    // The whole site would need its 68 charts' sources: without --only, planning it here fails on them.
    expect(existsSync(path.join(work!, 'cache', 'charts'))).toBe(false);

    // Without credentials of its own, the host keeps the node's Drydock ones: account root, the site's Passphrase.
    await addDocuments(undefined);
    const drydock = await slipway('plan', '--only', 'nodes', '-o', 'json');
    expect(drydock.exitCode, drydock.stderr).toBe(0);
    expectNoSecret(drydock.stdout + drydock.stderr);
    const spec = (JSON.parse(drydock.stdout) as { phases: { steps: { spec: { bmc: object } }[] }[] }).phases[0]!
      .steps[0]!.spec;
    expect(spec.bmc).toEqual({
      address: `ipmi://${ipmi.address}:${ipmi.ports[0]}`,
      credentials: { username: 'root', password: '[redacted]' },
    });
  });

  it('with a wrong password in the Passphrase, the BMC refuses: a named error for the node, no secret printed, nothing else touched', async () => {
    wrongPassword = `wrong-${ipmi.password}-${process.pid}`;
    await addDocuments(wrongPassword);
    const r = await slipway('apply', '--only', 'nodes', '-o', 'json');
    timings.push(`apply with the refused password: ${r.seconds.toFixed(1)} s (exit ${r.exitCode})`);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, out).toBe(1);
    expectNoSecret(out);
    const finishes = events(r.stdout).filter((e) => e.type === 'finish');
    expect(finishes.map((e) => [e.result!.stepId, e.result!.outcome])).toEqual([[`node/${NODE}`, 'failed']]);
    expect(finishes[0]!.result!.message).toMatch(new RegExp(`^BmcVerificationFailed: node ${NODE}: `));
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'summary', ok: false });

    // What the error reports, and nothing more: the node is enrolled with the refused credentials,
    // still in enroll, Ironic's reason in last_error; no helm process ran.
    const n = (await node())!;
    expect(n).toBeDefined();
    expect([n.driver, n.provision_state, n.target_provision_state]).toEqual(['ipmi', 'enroll', null]);
    expect(n.last_error).toBeTruthy();
    expect(n.driver_info).toMatchObject({
      ipmi_address: ipmi.address,
      ipmi_port: ipmi.ports[0],
      ipmi_username: ipmi.username,
    });
    expect(await helmCalls()).toEqual([]);
  });

  it('with the right password in the Passphrase, the node goes enroll → manageable → available', async () => {
    await addDocuments(ipmi.password);
    const r = await slipway('apply', '--only', 'nodes', '-o', 'json');
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, out).toBe(0);
    expectNoSecret(out);
    const ev = events(r.stdout);
    const finish = ev.find((e) => e.type === 'finish')!.result!;
    timings.push(`apply: ${r.seconds.toFixed(1)} s; node ${NODE}: ${(finish.durationMs / 1000).toFixed(1)} s`);
    expect([finish.stepId, finish.outcome, finish.message]).toEqual([`node/${NODE}`, 'changed', 'available']);
    // The states the node went through, as the driver reported them.
    const states = ev
      .filter((e) => e.type === 'progress' && e.stepId === `node/${NODE}`)
      .map((e) => e.message!.split(':')[0]!);
    const order = ['enroll', 'manageable', 'available'].map((s) => states.indexOf(s));
    expect(
      order.every((i) => i >= 0),
      states.join(', '),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const n = (await node())!;
    expect([n.driver, n.provision_state, n.target_provision_state, n.maintenance]).toEqual([
      'ipmi',
      'available',
      null,
      false,
    ]);
    expect(n.driver_info).toMatchObject({
      ipmi_address: ipmi.address,
      ipmi_port: ipmi.ports[0],
      ipmi_username: ipmi.username,
    });
    expect(n.power_interface).toBe('ipmitool');
    expect(n.properties).toMatchObject({ capabilities: 'boot_mode:bios', root_device: { hctl: '0:2:0:0' } });
    // No document names a boot MAC: no port.
    const ports = await ironic.request<{ ports: unknown[] }>('GET', `/v1/ports?node=${n.uuid}`);
    expect(ports.ports).toEqual([]);
    // Ironic's own history has the verification that failed before and the one that passed now.
    const history = (await ironic.getNodeHistory(n.uuid)).map((h) => h.severity);
    expect(history).toContain('ERROR');
    expect(await helmCalls()).toEqual([]);
  });

  it('applying again changes nothing in Ironic, and diff finds nothing to do', async () => {
    const before = (await node())!;
    const r = await slipway('apply', '--only', 'nodes', '-o', 'json');
    timings.push(`second apply (no-op): ${r.seconds.toFixed(1)} s`);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const finishes = events(r.stdout).filter((e) => e.type === 'finish');
    expect(finishes.map((e) => [e.result!.stepId, e.result!.outcome])).toEqual([[`node/${NODE}`, 'unchanged']]);
    const after = (await node())!;
    expect(after.updated_at).toBe(before.updated_at);
    expect(after.provision_state).toBe('available');
    const diff = await slipway('diff', '--only', 'nodes');
    expect(diff.exitCode, `${diff.stdout}\n${diff.stderr}`).toBe(0);
    expect(await helmCalls()).toEqual([]);
  });

  it('a wrong password in the Passphrase of the enrolled node fails with BmcVerificationFailed; the right one again repairs it', async () => {
    await addDocuments(wrongPassword);
    const r = await slipway('apply', '--only', 'nodes', '-o', 'json');
    timings.push(`apply of a refused password to the available node: ${r.seconds.toFixed(1)} s (exit ${r.exitCode})`);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, out).toBe(1);
    expectNoSecret(out);
    const finishes = events(r.stdout).filter((e) => e.type === 'finish');
    expect(finishes.map((e) => [e.result!.stepId, e.result!.outcome])).toEqual([[`node/${NODE}`, 'failed']]);
    expect(finishes[0]!.result!.message).toMatch(
      new RegExp(`^BmcVerificationFailed: node ${NODE}: the BMC did not accept the node's new BMC settings`),
    );
    // What the message says: still available, with the refused settings, not recorded as applied.
    const n = (await node())!;
    expect([n.provision_state, n.maintenance]).toEqual(['available', false]);
    expect((n.extra as Record<string, unknown>).slipway_digest).toBeUndefined();
    const diff = await slipway('diff', '--only', 'nodes');
    expect(diff.exitCode, `${diff.stdout}\n${diff.stderr}`).toBe(2);
    expect(diff.stdout).toContain(`node/${NODE}`);

    await addDocuments(ipmi.password);
    const fixed = await slipway('apply', '--only', 'nodes', '-o', 'json');
    expect(fixed.exitCode, `${fixed.stdout}\n${fixed.stderr}`).toBe(0);
    expect(
      events(fixed.stdout)
        .filter((e) => e.type === 'finish')
        .map((e) => [e.result!.stepId, e.result!.outcome]),
    ).toEqual([[`node/${NODE}`, 'changed']]);
    expect((await slipway('diff', '--only', 'nodes')).exitCode).toBe(0);
    expect(await helmCalls()).toEqual([]);
  });

  it('changed no file of the repository but the added one', async () => {
    const now = await treeHashes(repo);
    expect([...originals].filter(([p, h]) => now.get(p) !== h).map(([p]) => p)).toEqual([]);
    expect([...now.keys()].filter((p) => !originals.has(p))).toEqual([ADDED]);
  });
});
