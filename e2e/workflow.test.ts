// The deployment workflow end to end: `slipway apply` of the example site `lab` against the
// real local Kubernetes (kwok nodes), the real helm and the real Ironic (fake-hardware).
// Each run works on its own copy of site-manifests with unique release names, namespaces,
// node names and MACs, and removes what it made.

import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { type IronicEnv, type KubeEnv, repoRoot, requireIronic, requireKube } from './support/env.js';

const CLI = path.join(repoRoot, 'dist/controller/cli/main.js');
const run = Math.floor(Math.random() * 0xffff);
const prefix = `wf${run.toString(16)}`;
const mac = `52:54:${((run >> 8) & 0xff).toString(16).padStart(2, '0')}:${(run & 0xff).toString(16).padStart(2, '0')}:b0:`;

let kubeEnv: KubeEnv | undefined;
let ironicEnv: IronicEnv | undefined;
const kube = () => (kubeEnv ??= requireKube());
const ironic = () => (ironicEnv ??= requireIronic());

let work: string | undefined;
let counter: string | undefined;

/** A private copy of site-manifests (and charts, beside it) renamed for this run; a helm shim counts helm processes. */
async function workdir(): Promise<string> {
  if (work) return work;
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-e2e-wf-'));
  await cp(path.join(repoRoot, 'site-manifests'), path.join(dir, 'site-manifests'), { recursive: true });
  // A copy, not a symlink: chart locations are followed through symlinks and must stay inside the repository.
  await cp(path.join(repoRoot, 'charts'), path.join(dir, 'charts'), { recursive: true });
  await rewrite(dir, (text) =>
    text
      .replace(/\bedge-(?=[a-z])/g, `${prefix}-`)
      .replace(/release_prefix: edge\b/g, `release_prefix: ${prefix}`)
      .replace(/lab-node-/g, `${prefix}-node-`)
      .replace(/52:54:00:1a:b0:/g, mac),
  );
  counter = path.join(dir, 'helm-count');
  await writeFile(counter, '');
  const shim = path.join(dir, 'helm');
  await writeFile(shim, `#!/bin/sh\necho >> '${counter}'\nexec '${kube().helm}' "$@"\n`);
  await chmod(shim, 0o755);
  work = dir;
  return dir;
}

async function rewrite(dir: string, edit: (text: string) => string): Promise<void> {
  const { stdout } = await execa('find', [path.join(dir, 'site-manifests'), '-name', '*.yaml']);
  for (const file of stdout.split('\n').filter(Boolean)) await writeFile(file, edit(await readFile(file, 'utf8')));
}

async function slipway(...args: string[]) {
  const dir = await workdir();
  return execa('node', [CLI, ...args], {
    cwd: dir,
    reject: false,
    all: true,
    env: { ...kube().vars, ...ironic().vars, HELM: path.join(dir, 'helm'), KUBECONFIG: kube().kubeconfig },
    extendEnv: false,
  });
}

const helmRuns = async () => (await readFile(counter!, 'utf8')).length;

async function releases(): Promise<Record<string, number>> {
  const { stdout } = await execa(kube().helm, ['--kubeconfig', kube().kubeconfig, 'list', '-A', '-o', 'json'], {
    env: kube().vars,
    extendEnv: false,
  });
  const list = JSON.parse(stdout) as { name: string; revision: string; status: string }[];
  return Object.fromEntries(
    list.filter((r) => r.name.startsWith(`${prefix}-`)).map((r) => [`${r.name}:${r.status}`, Number(r.revision)]),
  );
}

async function ironicNodes(): Promise<{ name: string; provision_state: string; updated_at: string | null }[]> {
  const auth = Buffer.from(`${ironic().username}:${ironic().password}`).toString('base64');
  const res = await fetch(`${ironic().url}/v1/nodes/detail`, {
    headers: { Authorization: `Basic ${auth}`, 'X-OpenStack-Ironic-API-Version': '1.82' },
  });
  const body = (await res.json()) as { nodes?: { name: string; provision_state: string; updated_at: string | null }[] };
  if (!res.ok || !body.nodes) throw new Error(`GET /v1/nodes: HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body.nodes
    .filter((n) => n.name?.startsWith(`${prefix}-`))
    .map(({ name, provision_state, updated_at }) => ({ name, provision_state, updated_at }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const site = async () => path.join(await workdir(), 'site-manifests');

describe('slipway apply on the local infrastructure', () => {
  afterAll(async () => {
    if (!work) return;
    // Remove what the run made: its releases (by namespace) and its Ironic nodes.
    const { stdout } = await execa(kube().kubectl, ['--kubeconfig', kube().kubeconfig, 'get', 'ns', '-o', 'name'], {
      env: kube().vars,
      extendEnv: false,
    });
    const namespaces = stdout.split('\n').filter((n) => n.startsWith(`namespace/${prefix}-`));
    if (namespaces.length)
      await execa(kube().kubectl, ['--kubeconfig', kube().kubeconfig, 'delete', '--wait=false', ...namespaces], {
        env: kube().vars,
        extendEnv: false,
        reject: false,
      });
    const { createIronicDriver } = await import('../controller/drivers/ironic/driver.js');
    const driver = createIronicDriver({
      url: ironic().url,
      username: ironic().username,
      password: ironic().password,
      pollIntervalMs: 200,
    });
    for (const n of await ironicNodes()) await driver.remove(n.name);
    await rm(work, { recursive: true, force: true });
  });

  it('applies the lab site: nodes in Ironic, then every chart group', async () => {
    const r = await slipway('apply', await site(), '--site', 'lab');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/created\s+8/);
    expect(await releases()).toEqual({
      [`${prefix}-site-config:deployed`]: 1,
      [`${prefix}-feature-flags:deployed`]: 1,
      [`${prefix}-frontend:deployed`]: 1,
      [`${prefix}-backend:deployed`]: 1,
      [`${prefix}-status-page:deployed`]: 1,
    });
    expect((await ironicNodes()).map((n) => [n.name, n.provision_state])).toEqual([
      [`${prefix}-node-01`, 'active'],
      [`${prefix}-node-02`, 'active'],
      [`${prefix}-node-03`, 'available'],
    ]);
  });

  it('applying it again runs no helm process and writes nothing to Ironic', async () => {
    const nodesBefore = await ironicNodes();
    const helmBefore = await helmRuns();
    const r = await slipway('apply', await site(), '--site', 'lab');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/unchanged\s+8/);
    expect((await helmRuns()) - helmBefore).toBe(0);
    expect(await ironicNodes()).toEqual(nodesBefore); // updated_at unchanged: no write
    const diff = await slipway('diff', await site(), '--site', 'lab');
    expect(diff.exitCode).toBe(0);
  });

  it('a changed value in the site layer upgrades exactly one release', async () => {
    await rewrite(await workdir(), (t) => t.replace('log_level: debug', 'log_level: info'));
    const diff = await slipway('diff', await site(), '--site', 'lab');
    expect(diff.exitCode).toBe(2);
    expect(diff.stdout).toContain(`~ release/${prefix}-backend/${prefix}-backend: upgrade`);
    expect(diff.stdout).toContain('~ .message: "backend API (log level debug)" → "backend API (log level info)"');
    const r = await slipway('apply', await site(), '--site', 'lab');
    expect(r.exitCode, r.all).toBe(0);
    const revs = await releases();
    expect(revs[`${prefix}-backend:deployed`]).toBe(2);
    expect(
      Object.entries(revs)
        .filter(([, rev]) => rev > 1)
        .map(([k]) => k),
    ).toEqual([`${prefix}-backend:deployed`]);
  });

  it("a chart that fails stops its group and the later ones, leaves earlier groups alone and names the release and helm's error", async () => {
    await rewrite(await workdir(), (t) =>
      t
        .replace('location: ../charts/demo-app', 'location: ../charts/demo-fail')
        .replace('log_level: info', 'log_level: warn'),
    );
    const before = await releases();
    const r = await slipway('apply', await site(), '--site', 'lab');
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(
      new RegExp(
        `failed: release/${prefix}-(frontend|backend)/${prefix}-(frontend|backend): helm (install|upgrade) ${prefix}-`,
      ),
    );
    expect(r.all).toMatch(/skipped.*did not succeed/);
    const after = await releases();
    expect(after[`${prefix}-site-config:deployed`]).toBe(before[`${prefix}-site-config:deployed`]);
    expect(after[`${prefix}-feature-flags:deployed`]).toBe(before[`${prefix}-feature-flags:deployed`]);
    expect(after[`${prefix}-status-page:deployed`]).toBe(1);
    await rewrite(await workdir(), (t) => t.replace('location: ../charts/demo-fail', 'location: ../charts/demo-app'));
  });

  it('an invalid site exits 3 and touches nothing', async () => {
    await rewrite(await workdir(), (t) =>
      t.replace('method: merge\n        path: .\n', 'method: merge\n        path: .no.such.key\n'),
    );
    const helmBefore = await helmRuns();
    const nodesBefore = await ironicNodes();
    const r = await slipway('apply', await site(), '--site', 'lab');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/site-manifests\/[^:]+\.yaml:\d+: MissingDocumentKey: /);
    expect((await helmRuns()) - helmBefore).toBe(0);
    expect(await ironicNodes()).toEqual(nodesBefore);
    await rewrite(await workdir(), (t) =>
      t.replace('method: merge\n        path: .no.such.key\n', 'method: merge\n        path: .\n'),
    );
  });

  it('waits for Ironic when it goes away in the middle of an apply, and finishes when it is back', async () => {
    await rewrite(await workdir(), (t) => t.replace(/-node-/g, '-node-x'));
    const started = Date.now();
    const apply = slipway('apply', await site(), '--site', 'lab');
    await new Promise((r) => setTimeout(r, 1500));
    const down = await execa('bash', [path.join(repoRoot, 'e2e/infra/ironic.sh'), 'down'], {
      reject: false,
      all: true,
    });
    expect(down.exitCode, down.all).toBe(0);
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 4000));
    await execa('bash', [path.join(repoRoot, 'e2e/infra/ironic.sh'), 'up']);
    const r = await apply;
    expect(r.exitCode, r.all).toBe(0);
    // It was still running when Ironic went away, and outlived the outage.
    expect(downAt - started).toBeLessThan(Date.now() - started);
    expect(Date.now() - downAt).toBeGreaterThan(4000);
    expect((await ironicNodes()).filter((n) => n.name.includes('-node-x')).map((n) => n.provision_state)).toEqual([
      'active',
      'active',
      'available',
    ]);
  });
});
