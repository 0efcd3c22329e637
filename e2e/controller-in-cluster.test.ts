// The controller as a user runs it: its image (built from the repository's Dockerfile by
// e2e/infra/images.sh, loaded into the kind nodes by `e2e/infra.sh up`) installed with
// charts/slipway — two replicas with leader election, in-cluster config, the chart's
// ServiceAccount and RBAC — reconciling a Site that follows a git repository served on the
// host's address of the kind network. helm runs inside the pod; the demo-app release is a
// real Deployment whose pods must pass their readiness probe; the bare-metal node is
// enrolled in the host's Ironic through a forwarder on that address. Then the leader pod is
// deleted and the standby finishes a second change.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../controller/operator/api/types.js';
import { testDocuments } from '../controller/operator/reconcile/sample-site.js';
import { startServer, type TestServer } from '../controller/source/test-servers.js';
import {
  cleanupNamespace,
  cond,
  createNamespace,
  getSite,
  helmRevisions,
  ironicNodes,
  kube,
  kubectl,
  removeIronicNodes,
  repoRoot,
  waitFor,
} from './operator-harness.js';
import { requireIronic } from './support/env.js';
import { forwardTcp, type TcpForward } from './support/tcp-forward.js';

const IMAGE_REPO = 'slipway.local/slipway';
const cleanups: (() => unknown)[] = [];
const figures: Record<string, unknown> = {};

function kindEnv() {
  const k = kube();
  const gateway = k.vars.SLIPWAY_DOCKER_GATEWAY;
  if (k.cluster !== 'kind' || !gateway) {
    throw new Error(
      'this test needs the kind cluster (the controller runs in a pod): run `bash e2e/infra.sh down && E2E_CLUSTER=kind npm run infra:up`',
    );
  }
  return { ...k, gateway };
}

function helm(args: string[]): string {
  const k = kube();
  return execFileSync(k.helm, ['--kubeconfig', k.kubeconfig, ...args], {
    env: k.vars,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A git repository with the site documents and the two demo charts; `commit(value)` changes one release's value. */
function siteRepo(ns: string, nodePrefix: string) {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-incluster-git-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'site-repo');
  mkdirSync(dir);
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'e2e@example.com');
  git('config', 'user.name', 'e2e');
  for (const chart of ['demo-config', 'demo-app'])
    cpSync(path.join(repoRoot, 'charts', chart), path.join(dir, 'charts', chart), { recursive: true });
  const commit = (value: string) => {
    const docs = testDocuments({
      name: 'incluster',
      namespace: ns,
      releases: 1,
      nodes: 1,
      nodePrefix,
      chartLocation: '../charts/demo-config',
      value,
    });
    const group = docs.find((d) => d.schema === 'armada/ChartGroup/v1') as { data: { chart_group: string[] } };
    group.data.chart_group.push('web');
    docs.push({
      schema: 'armada/Chart/v1',
      metadata: {
        schema: 'metadata/Document/v1',
        name: 'web',
        layeringDefinition: { abstract: false, layer: 'site' },
        storagePolicy: 'cleartext',
      },
      data: {
        chart_name: 'demo-app',
        release: 'web',
        namespace: ns,
        source: { type: 'local', location: '../charts/demo-app', subpath: '.' },
        wait: { timeout: 180, labels: { 'app.kubernetes.io/instance': 'incluster-web' } },
        values: { replicaCount: 2, message: `in-cluster ${value}` },
      },
    });
    mkdirSync(path.join(dir, 'site'), { recursive: true });
    writeFileSync(path.join(dir, 'site', 'site.yaml'), docs.map((d) => `---\n${dump(d)}`).join(''));
    git('add', '-A');
    git('commit', '-q', '-m', `value ${value}`);
    return git('rev-parse', 'HEAD');
  };
  return { root, commit };
}

/** The pod that holds the leader Lease (its identity is `<pod name>_<random>`). */
function leaseHolder(ns: string): string {
  return (
    kubectl(['get', 'lease', 'slipway-controller', '-n', ns, '-o', 'jsonpath={.spec.holderIdentity}'])
      .trim()
      .split('_')[0] ?? ''
  );
}

function controllerPods(ns: string): { name: string; phase: string; ready: boolean }[] {
  const pods = JSON.parse(kubectl(['get', 'pods', '-n', ns, '-l', 'app.kubernetes.io/name=slipway', '-o', 'json'])) as {
    items: {
      metadata: { name: string; deletionTimestamp?: string };
      status: { phase: string; conditions?: { type: string; status: string }[] };
    }[];
  };
  return pods.items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      name: p.metadata.name,
      phase: p.status.phase,
      ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    }));
}

/** Polls like waitFor; on a timeout the error carries the Site's conditions and the controllers' last log lines. */
async function waitForSite<T>(
  what: string,
  ctlNs: string,
  ns: string,
  fn: () => T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  try {
    return await waitFor(what, fn, timeoutMs, 1000);
  } catch (e) {
    const site = getSite(ns, 'incluster');
    const logs = controllerPods(ctlNs)
      .map((p) => `--- ${p.name}\n${kubectl(['logs', '-n', ctlNs, p.name, '--tail=12'])}`)
      .join('\n');
    throw new Error(`${String(e)}\nSite status: ${JSON.stringify(site?.status ?? null)}\ncontroller logs:\n${logs}`, {
      cause: e,
    });
  }
}

let server: TestServer | undefined;
let ironicForward: TcpForward | undefined;

beforeAll(() => {
  kindEnv();
});

afterAll(async () => {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (e) {
      console.warn(`clean-up failed: ${String(e)}`);
    }
  }
  await server?.close();
  await ironicForward?.close();
  console.log(`in-cluster controller figures: ${JSON.stringify(figures)}`);
});

describe('the controller in the cluster: its image, its chart', () => {
  it('helm install charts/slipway (2 replicas, leader election) → a git Site Ready with helm run in the pod, Deployment Available, node enrolled, /metrics; the leader pod deleted → the standby applies a second commit', async () => {
    const { gateway } = kindEnv();
    const iron = requireIronic();
    const ctlNs = createNamespace('slipway-system');
    cleanups.push(() => cleanupNamespace(ctlNs));
    const ns = createNamespace('incluster');
    cleanups.push(() => cleanupNamespace(ns));
    cleanups.push(() => removeIronicNodes(ns));
    const repo = siteRepo(ns, ns);
    const first = repo.commit('one');
    server = await startServer(new Map(), repo.root, gateway);
    const ironicUrl = new URL(iron.url);
    ironicForward = await forwardTcp(gateway, { host: ironicUrl.hostname, port: Number(ironicUrl.port) });

    // The controller from its chart, with the image npm run image built.
    const version = (
      JSON.parse(
        execFileSync('node', ['-p', "JSON.stringify(require('./package.json'))"], { cwd: repoRoot, encoding: 'utf8' }),
      ) as { version: string }
    ).version;
    // Registered first: a failed install still leaves cluster-scoped RBAC behind.
    cleanups.push(() => helm(['uninstall', 'slipway', '-n', ctlNs, '--wait', '--timeout', '120s']));
    const installStart = Date.now();
    helm([
      'install',
      'slipway',
      path.join(repoRoot, 'charts', 'slipway'),
      '-n',
      ctlNs,
      '--set',
      'replicaCount=2',
      '--set',
      `image.repository=${IMAGE_REPO}`,
      '--set',
      `image.tag=${version}`,
      '--set',
      'image.pullPolicy=Never',
      '--wait',
      '--timeout',
      '240s',
    ]);
    figures.helmInstallMs = Date.now() - installStart;
    await waitFor(
      'two controller pods Ready',
      () => controllerPods(ctlNs).filter((p) => p.ready).length === 2,
      120_000,
      500,
    );
    const leader = await waitFor('a leader in the Lease', () => leaseHolder(ctlNs) || undefined, 60_000, 500);
    expect(controllerPods(ctlNs).map((p) => p.name)).toContain(leader);

    // The Site: from git over HTTP on the kind network, Ironic through the forwarder.
    kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'ironic-creds', namespace: ns },
        stringData: { username: iron.username, password: iron.password },
      }),
    );
    const site: Site = {
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'Site',
      metadata: { name: 'incluster', namespace: ns },
      spec: {
        source: {
          git: { url: `${server.url}/git/site-repo/.git`, ref: { branch: 'main' }, path: 'site', interval: '10s' },
        },
        ironic: { url: `http://${ironicForward.address}`, credentialsSecretRef: { name: 'ironic-creds' } },
      },
    };
    const applied = Date.now();
    kubectl(['apply', '-f', '-'], JSON.stringify(site));
    // Polled, never `kubectl wait`: the git server and the Ironic forwarder live in this
    // process, and a synchronous child would stop them from answering the controller.
    await waitForSite(
      'the Site Ready',
      ctlNs,
      ns,
      () => cond(getSite(ns, 'incluster'), 'Ready')?.status === 'True',
      300_000,
    );
    figures.applyToReadyMs = Date.now() - applied;
    let s = getSite(ns, 'incluster')!;
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', observedGeneration: s.metadata.generation });
    expect(s.status?.lastAppliedRevision).toContain(first);
    expect([...helmRevisions(ns).entries()].map(([n, r]) => [n, r.map((x) => x.status)]).sort()).toEqual([
      ['incluster-cfg-0', ['deployed']],
      ['incluster-web', ['deployed']],
    ]);
    // Real pods behind a real readiness probe.
    const deployment = () =>
      (
        JSON.parse(
          kubectl(['get', 'deployment', '-l', 'app.kubernetes.io/instance=incluster-web', '-n', ns, '-o', 'json']),
        ) as {
          items: { status: { readyReplicas?: number; conditions?: { type: string; status: string }[] } }[];
        }
      ).items[0];
    const deploy = await waitFor(
      'the web Deployment Available',
      () => {
        const d = deployment();
        return d?.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ? d : undefined;
      },
      120_000,
      1000,
    );
    expect(deploy.status.readyReplicas).toBe(2);
    expect((await ironicNodes(ns)).names).toEqual([`${ns}-node-0`]);
    expect(ironicForward.connections()).toBeGreaterThan(0);
    expect(server.requests.some((r) => r.includes('/git/site-repo/.git/'))).toBe(true);

    // /metrics through the API server's service proxy, as Prometheus would scrape it.
    const svc = kubectl([
      'get',
      'svc',
      '-n',
      ctlNs,
      '-l',
      'app.kubernetes.io/name=slipway',
      '-o',
      'jsonpath={.items[0].metadata.name}',
    ]).trim();
    expect(kubectl(['get', '--raw', `/api/v1/namespaces/${ctlNs}/services/http:${svc}:8080/proxy/metrics`])).toContain(
      'slipway_',
    );
    // The Service balances over both replicas; the leader's own /metrics counts the steps it ran.
    const leaderMetrics = kubectl([
      'get',
      '--raw',
      `/api/v1/namespaces/${ctlNs}/pods/http:${leader}:8080/proxy/metrics`,
    ]);
    expect(leaderMetrics).toMatch(/slipway_steps_total\{[^}]*\} [1-9]/);
    // The leader's log shows the work; the password never appears.
    const leaderLog = kubectl(['logs', '-n', ctlNs, leader]);
    expect(leaderLog).toContain('incluster');
    expect(leaderLog).not.toContain(iron.password);

    // Delete the leader pod: it stops (releasing the Lease) and the standby, which asks for
    // the Lease every 2 s, takes over long before the Deployment's replacement pod is up.
    const standby = controllerPods(ctlNs).find((p) => p.name !== leader)!.name;
    const killed = Date.now();
    kubectl(['delete', 'pod', leader, '-n', ctlNs, '--wait=false']);
    const second = repo.commit('two');
    await waitFor('the standby to hold the Lease', () => leaseHolder(ctlNs) === standby, 90_000, 500);
    figures.takeoverMs = Date.now() - killed;
    s = await waitForSite(
      'the Site Ready at the second commit',
      ctlNs,
      ns,
      () => {
        const now = getSite(ns, 'incluster');
        return now?.status?.lastAppliedRevision?.includes(second) && cond(now, 'Ready')?.status === 'True'
          ? now
          : undefined;
      },
      240_000,
    );
    figures.killToSecondReadyMs = Date.now() - killed;
    const revisions = helmRevisions(ns);
    expect(revisions.get('incluster-cfg-0')?.map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(revisions.get('incluster-web')?.map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(kubectl(['logs', '-n', ctlNs, standby])).toContain(second);
    expect(leaseHolder(ctlNs)).toBe(standby);
  }, 900_000);
});
