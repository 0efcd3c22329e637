// Drift of a release, end to end on the kind cluster with the real helm: a ConfigMap key and a
// Deployment field edited with kubectl, and a release upgraded and rolled back with the helm
// CLI by hand, are each shown by `slipway diff` (exit 2) and repaired by `slipway apply`; the
// kubectl edits with no new Helm revision. The run uses its own namespace (drift-…) and a
// private copy of the demo chart, and removes both.

import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEnv, repoRoot, requireKube } from './support/env.js';

const CLI = path.join(repoRoot, 'dist/controller/cli/main.js');
const ns = `drift-${Date.now().toString(36)}`;
const release = 'drift-app';
const object = 'drift-app-demo-app'; // the chart's fullname: <release>-<chart>
const MESSAGE = 'as the site says';

let kubeEnv: KubeEnv | undefined;
const kube = () => (kubeEnv ??= requireKube());
let dir = '';

const site = () => path.join(dir, 'site');

/** One chart group with the demo-app chart (a ConfigMap, a Deployment, a Service). */
function documents(): string {
  const meta = (name: string) =>
    `metadata:\n  schema: metadata/Document/v1\n  name: ${name}\n  layeringDefinition: {abstract: false, layer: site}\n  storagePolicy: cleartext`;
  return [
    'schema: deckhand/LayeringPolicy/v1\nmetadata:\n  schema: metadata/Control/v1\n  name: layering-policy\ndata:\n  layerOrder: [site]',
    `schema: armada/Manifest/v1\n${meta('manifest')}\ndata:\n  release_prefix: drift\n  chart_groups: [apps]`,
    `schema: armada/ChartGroup/v1\n${meta('apps')}\ndata:\n  chart_group: [app]`,
    `schema: armada/Chart/v1\n${meta('app')}\ndata:\n  chart_name: demo-app\n  release: app\n  namespace: ${ns}\n  source: {type: local, location: ../charts/demo-app, subpath: .}\n  wait: {timeout: 120}\n  values:\n    message: "${MESSAGE}"`,
  ]
    .map((d) => `---\n${d}\n`)
    .join('');
}

async function slipway(...args: string[]) {
  return execa('node', [CLI, ...args], {
    cwd: dir,
    reject: false,
    all: true,
    env: { ...kube().vars, HELM: kube().helm, KUBECONFIG: kube().kubeconfig },
    extendEnv: false,
  });
}

const tool = (bin: string, args: string[]) =>
  execa(bin, ['--kubeconfig', kube().kubeconfig, ...args], { env: kube().vars, extendEnv: false });
const kubectl = (...args: string[]) => tool(kube().kubectl, args);
const helm = (...args: string[]) => tool(kube().helm, args);

async function revision(): Promise<number> {
  const { stdout } = await helm('history', release, '-n', ns, '-o', 'json');
  const history = JSON.parse(stdout) as { revision: number }[];
  return Math.max(...history.map((h) => h.revision));
}

const configMapMessage = async () =>
  (await kubectl('get', 'configmap', object, '-n', ns, '-o', 'jsonpath={.data.message}')).stdout;
const pullPolicy = async () =>
  (
    await kubectl(
      'get',
      'deployment',
      object,
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].imagePullPolicy}',
    )
  ).stdout;

describe('release drift on the kind cluster', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'slipway-e2e-drift-'));
    await cp(path.join(repoRoot, 'charts', 'demo-app'), path.join(dir, 'charts', 'demo-app'), { recursive: true });
    await mkdir(site());
    await writeFile(path.join(site(), 'site.yaml'), documents());
  });

  afterAll(async () => {
    if (kubeEnv) await kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found').catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs the release; a second diff finds nothing (drift detection enabled)', async () => {
    await kubectl('create', 'namespace', ns);
    const applied = await slipway('apply', site(), '--drift-detection', 'enabled');
    expect(applied.all).toContain(`release/${ns}/${release}`);
    expect(applied.exitCode, applied.all).toBe(0);
    expect(await revision()).toBe(1);
    const diff = await slipway('diff', site(), '--drift-detection', 'enabled');
    expect(diff.exitCode, diff.all).toBe(0);
    expect(diff.stdout).toContain('0 of 1 steps would change');
  });

  it('a ConfigMap key edited with kubectl is shown (exit 2) and repaired by apply with no new revision', async () => {
    await kubectl(
      'patch',
      'configmap',
      object,
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"data":{"message":"edited by hand"}}',
    );
    const diff = await slipway('diff', site(), '--drift-detection', 'enabled');
    expect(diff.exitCode, diff.all).toBe(2);
    expect(diff.stdout).toContain(`~ release/${ns}/${release}: repair (drifted:`);
    expect(diff.stdout).toContain(`ConfigMap/${ns}/${object} /data/message: "edited by hand" → "${MESSAGE}"`);
    // warn reports the same drift and changes nothing: exit 0
    const warn = await slipway('diff', site(), '--drift-detection', 'warn');
    expect(warn.exitCode, warn.all).toBe(0);
    expect(warn.stdout).toContain(`! release/${ns}/${release}: drift (drifted:`);
    // disabled does not look
    const off = await slipway('diff', site(), '--drift-detection', 'disabled');
    expect(off.exitCode, off.all).toBe(0);
    expect(off.stdout).not.toContain('drift');

    const applied = await slipway('apply', site(), '--drift-detection', 'enabled');
    expect(applied.exitCode, applied.all).toBe(0);
    expect(applied.all).toContain('re-applying 1 drifted object(s)');
    expect(await configMapMessage()).toBe(MESSAGE);
    expect(await revision()).toBe(1);
    const again = await slipway('diff', site(), '--drift-detection', 'enabled');
    expect(again.exitCode, again.all).toBe(0);
  });

  it('a Deployment field edited with kubectl is shown (exit 2) and repaired by apply with no new revision', async () => {
    expect(await pullPolicy()).toBe('IfNotPresent');
    await kubectl(
      'patch',
      'deployment',
      object,
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"Never"}]',
    );
    const diff = await slipway('diff', site(), '--drift-detection', 'enabled');
    expect(diff.exitCode, diff.all).toBe(2);
    expect(diff.stdout).toContain(
      `Deployment/${ns}/${object} /spec/template/spec/containers/0/imagePullPolicy: "Never" → "IfNotPresent"`,
    );
    const applied = await slipway('apply', site(), '--drift-detection', 'enabled');
    expect(applied.exitCode, applied.all).toBe(0);
    expect(await pullPolicy()).toBe('IfNotPresent');
    expect(await revision()).toBe(1);
    const again = await slipway('diff', site(), '--drift-detection', 'enabled');
    expect(again.exitCode, again.all).toBe(0);
  });

  it('a release upgraded by hand, then rolled back by hand, with the helm CLI is shown and upgraded over', async () => {
    await helm(
      'upgrade',
      release,
      path.join(dir, 'charts', 'demo-app'),
      '-n',
      ns,
      '--reuse-values',
      '--set',
      'message=by hand',
      '--wait',
      '--timeout',
      '120s',
    );
    expect(await revision()).toBe(2);
    expect(await configMapMessage()).toBe('by hand');
    const upgraded = await slipway('diff', site(), '--drift-detection', 'disabled');
    expect(upgraded.exitCode, upgraded.all).toBe(2);
    expect(upgraded.stdout).toContain(
      `~ release/${ns}/${release}: upgrade (out-of-band: revision 2 was not made by Slipway`,
    );

    await helm('rollback', release, '1', '-n', ns, '--wait', '--timeout', '120s');
    expect(await revision()).toBe(3);
    expect(await configMapMessage()).toBe(MESSAGE); // the same content as Slipway's revision 1, made by hand
    const rolled = await slipway('diff', site(), '--drift-detection', 'disabled');
    expect(rolled.exitCode, rolled.all).toBe(2);
    expect(rolled.stdout).toContain(
      `~ release/${ns}/${release}: upgrade (out-of-band: revision 3 was not made by Slipway`,
    );

    const applied = await slipway('apply', site());
    expect(applied.exitCode, applied.all).toBe(0);
    expect(await revision()).toBe(4);
    expect(await configMapMessage()).toBe(MESSAGE);
    const again = await slipway('diff', site(), '--drift-detection', 'enabled');
    expect(again.exitCode, again.all).toBe(0);
  });
});
