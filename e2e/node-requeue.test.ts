// Long node operations return to the queue (issue #12 item 4), on the real cluster, real helm
// and a real Ironic whose fake deploy interface is slowed down: one controller with 4 workers,
// 8 Sites each with a node that takes over a minute to deploy, and 4 Sites of releases only.
// A reconcile that has only deploying nodes left ends with a requeue, so the 4 workers are free:
// the release-only Sites become Ready while every node is still deploying, and the node Sites
// install their releases when their nodes are active. (Before, each node Site held a worker for
// its whole deploy: the release-only Sites waited two rounds of deploys.)
//
// The slow Ironic is this file's own (e2e/infra/ironic.sh with SLIPWAY_IRONIC_STATE_DIR in a temp
// folder and SLIPWAY_IRONIC_FAKE_DEPLOY_DELAY), on ports of its own (SLIPWAY_E2E_SLOW_IRONIC_PORTS,
// default 6395,8010,6240,6241: Ironic, sushy, 2 IPMI): the suite's Ironic keeps instant deploys.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../controller/operator/api/types.js';
import { testSite } from '../controller/operator/reconcile/sample-site.js';
import {
  cond,
  createNamespace,
  kubectl,
  operatorFixture,
  repoRoot,
  startController,
  waitFor,
} from './operator-harness.js';
import { IronicClient } from './support/ironic.js';

/** Seconds the fake deploy interface sleeps in prepare and in deploy: a deploy takes about twice it. */
const DEPLOY_DELAY_S = 35;
const NODE_SITES = 8;
const RELEASE_SITES = 4;
const [IRONIC_PORT, SUSHY_PORT, IPMI_A, IPMI_B] = (
  process.env.SLIPWAY_E2E_SLOW_IRONIC_PORTS ?? '6395,8010,6240,6241'
).split(',');

const fixture = operatorFixture();
const stateDir = mkdtempSync(path.join(tmpdir(), 'slipway-e2e-slow-ironic-'));
const ironicSh = (command: 'up' | 'down') =>
  execFileSync('bash', [path.join(repoRoot, 'e2e/infra/ironic.sh'), command], {
    env: {
      ...process.env,
      SLIPWAY_IRONIC_STATE_DIR: stateDir,
      SLIPWAY_IRONIC_FAKE_DEPLOY_DELAY: String(DEPLOY_DELAY_S),
      SLIPWAY_IRONIC_PORT: IRONIC_PORT,
      SLIPWAY_SUSHY_PORT: SUSHY_PORT,
      SLIPWAY_IPMI_PORTS: `${IPMI_A},${IPMI_B}`,
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** The slow Ironic's URL and credentials, from its own ironic.env only (never the suite's, nor the environment's). */
function slowIronic(): { url: string; username: string; password: string } {
  const text = readFileSync(path.join(stateDir, 'ironic.env'), 'utf8');
  const get = (name: string) => {
    const m = new RegExp(`^export ${name}='([^']*)'$`, 'm').exec(text);
    if (!m) throw new Error(`${stateDir}/ironic.env has no ${name}`);
    return m[1]!;
  };
  return { url: get('IRONIC_URL'), username: get('IRONIC_USERNAME'), password: get('IRONIC_PASSWORD') };
}

let ironic: IronicClient;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  ironicSh('up');
  ironic = await IronicClient.connect(slowIronic());
}, 300_000);

afterAll(() => {
  console.log(`node requeue figures: ${JSON.stringify(figures)}`);
  try {
    ironicSh('down');
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

const readyOf = (ns: string): Map<string, string> => {
  const items = (JSON.parse(kubectl(['get', 'sites', '-n', ns, '-o', 'json'])) as { items: Site[] }).items;
  return new Map(items.map((s) => [s.metadata.name, cond(s, 'Ready')?.status ?? 'Unknown']));
};

describe('4 workers, 8 Sites with nodes deploying for over a minute', () => {
  it('release-only Sites become Ready while every node still deploys; node Sites follow when their nodes are active', {
    timeout: 600_000,
  }, async () => {
    const ns = createNamespace('nodes-requeue');
    fixture.namespaces.push(ns);
    const env = slowIronic();
    expect(env.url).toBe(`http://127.0.0.1:${IRONIC_PORT}`);
    const ctl = startController({
      args: ['--namespace', ns, '--workers', '4'],
      env: { IRONIC_URL: env.url, IRONIC_USERNAME: env.username, IRONIC_PASSWORD: env.password },
    });
    fixture.controllers.push(ctl);
    await waitFor('workers', () => ctl.logs.some((l) => l.msg === 'workers started'), 60_000);

    const run = Date.now().toString(36).slice(-4);
    const nodeSites = Array.from({ length: NODE_SITES }, (_, i) =>
      testSite({
        name: `metal-${i}`,
        namespace: ns,
        releases: 1,
        nodes: 1,
        nodePrefix: `nrq${run}-${i}`,
        nodeImage: 'http://images.e2e.test/os.qcow2',
      }),
    );
    const releaseSites = Array.from({ length: RELEASE_SITES }, (_, i) =>
      testSite({ name: `apps-${i}`, namespace: ns, releases: 1, nodes: 0 }),
    );
    const nodeNames = nodeSites.map((_, i) => `nrq${run}-${i}-node-0`);
    const t0 = Date.now();
    // The node Sites first: with workers that waited on machines, they would take all 4.
    kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nodeSites }));
    await waitFor(
      'every node deploying',
      async () => {
        const states = await Promise.all(nodeNames.map((n) => ironic.findNode(n).then((x) => x?.provision_state)));
        return states.every((s) => s === 'deploying' || s === 'wait call-back');
      },
      120_000,
      500,
    );
    figures.allDeployingSeconds = (Date.now() - t0) / 1000;
    kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: releaseSites }));

    await waitFor(
      'the release-only Sites Ready',
      () => releaseSites.every((s) => readyOf(ns).get(s.metadata.name) === 'True'),
      120_000,
      500,
    );
    figures.releaseSitesReadySeconds = (Date.now() - t0) / 1000;
    // ...while every node is still deploying and no node Site is Ready.
    const states = await Promise.all(nodeNames.map((n) => ironic.getNode(n).then((x) => x.provision_state)));
    expect(
      states.every((s) => s === 'deploying' || s === 'wait call-back'),
      states.join(','),
    ).toBe(true);
    const ready = readyOf(ns);
    expect(nodeSites.filter((s) => ready.get(s.metadata.name) === 'True')).toEqual([]);
    // The node Sites record the running operation and wait in the queue, not in a worker.
    const metal0 = JSON.parse(kubectl(['get', 'site', 'metal-0', '-n', ns, '-o', 'json'])) as Site;
    const step = metal0.status?.workflow?.phases.flatMap((p) => p.steps).find((s) => s.id.startsWith('node/'));
    expect(step).toMatchObject({
      state: 'Running',
      operation: { operation: 'ensure', issued: expect.arrayContaining(['active']) },
    });
    expect(cond(metal0, 'Reconciling')?.message).toMatch(/waiting for 1 node\(s\) in Ironic/);
    expect(ctl.logs.filter((l) => l.msg === 'waiting for nodes').length).toBeGreaterThanOrEqual(NODE_SITES);

    await waitFor(
      'every node Site Ready',
      () => nodeSites.every((s) => readyOf(ns).get(s.metadata.name) === 'True'),
      420_000,
      1_000,
    );
    figures.nodeSitesReadySeconds = (Date.now() - t0) / 1000;
    for (const n of nodeNames) expect((await ironic.getNode(n)).provision_state).toBe('active');
    const releases = JSON.parse(kubectl(['get', 'secrets', '-n', ns, '-l', 'owner=helm', '-o', 'json'])) as {
      items: { metadata: { labels: Record<string, string> } }[];
    };
    const installed = new Set(releases.items.map((i) => i.metadata.labels.name));
    for (const s of nodeSites) expect(installed.has(`${s.metadata.name}-cfg-0`), s.metadata.name).toBe(true);
    // A deploy took over a minute: the release-only Sites were Ready well before the first node Site.
    expect(figures.nodeSitesReadySeconds as number).toBeGreaterThan(2 * DEPLOY_DELAY_S);
    expect(figures.releaseSitesReadySeconds as number).toBeLessThan(2 * DEPLOY_DELAY_S);
  });
});
