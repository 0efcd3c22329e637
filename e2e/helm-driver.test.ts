// The real Helm driver against the local cluster and the pinned helm: install with a
// digest, observe it from Helm's own Secrets, upgrade, fail (install and upgrade) with
// helm's own error text, roll back, Armada-style waits, upgrade.pre.delete, uninstall.
// Each run uses its own namespace and removes it. When the cluster is not up, every test
// fails with the "run `npm run infra:up`" message (requireKube), never skipped.
// Stale locks are made for real: a ResourceQuota of zero pods keeps `helm --wait` waiting,
// and the helm process is killed while its revision is pending.

import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { installFailurePlan, recoverObserved, upgradeFailurePlan } from '../controller/diff/index.js';
import {
  createHelmDriver,
  digestMatches,
  type HelmDriver,
  type ReleaseSpec,
} from '../controller/drivers/helm/index.js';
import type { ObservedRelease } from '../controller/drivers/types.js';
import { type KubeEnv, repoRoot, requireKube } from './support/env.js';

let cachedKube: KubeEnv | undefined;
const kube = (): KubeEnv => (cachedKube ??= requireKube());

let cachedDriver: HelmDriver | undefined;
const helm = (): HelmDriver =>
  (cachedDriver ??= createHelmDriver({
    helmBinary: kube().helm,
    kubeconfigPath: kube().kubeconfig,
    pollIntervalMs: 500,
  }));

let cachedCore: CoreV1Api | undefined;
const core = (): CoreV1Api => {
  if (!cachedCore) {
    const kc = new KubeConfig();
    kc.loadFromFile(kube().kubeconfig);
    cachedCore = kc.makeApiClient(CoreV1Api);
  }
  return cachedCore;
};

const ns = `helm-driver-${Date.now().toString(36)}`;
const chart = (name: string) => path.join(repoRoot, 'charts', name);

function spec(edit: (s: ReleaseSpec) => void = () => {}): ReleaseSpec {
  const s: ReleaseSpec = {
    name: 'web',
    namespace: ns,
    chartPath: chart('demo-app'),
    values: { replicaCount: 1, message: 'one' },
    wait: { enabled: true, timeoutSeconds: 180 },
    test: { enabled: false, timeoutSeconds: 120 },
    preUpgradeDelete: [],
    protected: false,
    timeoutSeconds: 180,
    digest: 'digest-one',
  };
  edit(s);
  return s;
}

async function observed(name: string): Promise<ObservedRelease | undefined> {
  return (await helm().list([ns])).find((r) => r.name === name);
}

async function configMapMessage(): Promise<string | undefined> {
  const cm = await core().readNamespacedConfigMap({ name: 'web-demo-app', namespace: ns });
  return cm.data?.message;
}

afterAll(async () => {
  if (!cachedKube) return;
  for (const name of ['web', 'broken', 'stuck']) await helm().uninstall(name, ns, 120);
  await core()
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

describe('helm driver against the real cluster', () => {
  it('install with a digest: the release Secret says deployed, revision 1, with the digest and the values', async () => {
    const result = await helm().install(spec());
    expect(result.message).toBe('');
    expect(result).toMatchObject({ ok: true, action: 'install', release: 'web', namespace: ns, exitCode: 0 });
    const rel = await observed('web');
    expect(rel).toMatchObject({
      name: 'web',
      namespace: ns,
      revision: 1,
      status: 'deployed',
      digest: 'digest-one',
      lastDeployedRevision: 1,
    });
    expect(digestMatches(rel?.digest, 'digest-one')).toBe(true);
    expect(Date.now() - Date.parse(rel!.updatedAt!)).toBeLessThan(10 * 60_000);
    expect(await helm().values('web', ns)).toEqual({ replicaCount: 1, message: 'one' });
    expect(await configMapMessage()).toBe('one');
    // Cluster-wide list (one call) sees it too.
    expect((await helm().list()).some((r) => r.namespace === ns && r.name === 'web')).toBe(true);
  });

  it('upgrade with changed values: revision 2, new digest (a 64-char sha256), the ConfigMap changed', async () => {
    const sha = 'f'.repeat(64);
    const result = await helm().upgrade(
      spec((s) => ((s.values = { replicaCount: 2, message: 'two' }), (s.digest = sha))),
    );
    expect(result.message).toBe('');
    expect(result.ok).toBe(true);
    const rel = await observed('web');
    expect(rel).toMatchObject({ revision: 2, status: 'deployed', lastDeployedRevision: 2 });
    expect(digestMatches(rel?.digest, sha)).toBe(true);
    expect(await helm().values('web', ns)).toEqual({ replicaCount: 2, message: 'two' });
    expect(await configMapMessage()).toBe('two');
  });

  it("install of demo-fail with fail=true: a failed result whose message is helm's own error text", async () => {
    const result = await helm().install(
      spec(
        (s) => (
          (s.name = 'broken'), (s.chartPath = chart('demo-fail')), (s.values = { fail: true }), (s.digest = 'broken-1')
        ),
      ),
    );
    expect(result).toMatchObject({ ok: false, action: 'install', release: 'broken', exitCode: 1 });
    expect(result.message).toMatch(/^Error: INSTALLATION FAILED: /);
    expect(result.message).toContain('failing on purpose');
    const after = await observed('broken');
    expect(after).toBeUndefined(); // a template error stores no revision
    // decided before the run: purge what it stored (nothing here) and retry once
    expect(installFailurePlan({ protected: false })).toEqual({ kind: 'purge-and-retry' });
  });

  it('a failed upgrade is rolled back to the revision deployed before it', async () => {
    const before = await observed('web');
    const result = await helm().upgrade(
      spec((s) => ((s.values = { replicaCount: -1, message: 'three' }), (s.digest = 'digest-bad'))),
    );
    expect(result).toMatchObject({ ok: false, action: 'upgrade', exitCode: 1 });
    expect(result.message).toMatch(/^Error: UPGRADE FAILED: /);
    expect(result.message).toMatch(/replicas/);
    const after = await observed('web');
    expect(after).toMatchObject({ revision: 3, status: 'failed', digest: 'digest-bad', lastDeployedRevision: 2 });

    // decided with the upgrade (from `before`); Helm stored a newer revision, so it applies
    expect(upgradeFailurePlan(before)).toEqual({ kind: 'rollback', revision: 2 });
    expect(after!.revision).toBeGreaterThan(2);
    const rolled = await helm().rollback('web', ns, 2, 120);
    expect(rolled.message).toBe('');
    expect(rolled.ok).toBe(true);
    const now = await observed('web');
    expect(now).toMatchObject({ revision: 4, status: 'deployed', lastDeployedRevision: 4 });
    expect(digestMatches(now?.digest, 'f'.repeat(64))).toBe(true); // rollback restores revision 2's digest
    expect(await configMapMessage()).toBe('two');
  });

  it("Armada wait: labels + resources with min_ready are polled through the API; a wait on nothing fails with Armada's message", async () => {
    const waited = await helm().upgrade(
      spec((s) => {
        s.values = { replicaCount: 2, message: 'four' };
        s.digest = 'digest-four';
        s.wait = {
          enabled: true,
          timeoutSeconds: 120,
          labels: { 'app.kubernetes.io/instance': 'web' },
          resources: [{ type: 'deployment', minReady: '50%' }, { type: 'pod' }],
        };
      }),
    );
    expect(waited.message).toBe('');
    expect(waited.ok).toBe(true);
    expect(await configMapMessage()).toBe('four');

    const before = await observed('web');
    const nothing = await helm().upgrade(
      spec((s) => {
        s.values = { replicaCount: 1, message: 'five' };
        s.digest = 'digest-five';
        s.wait = { enabled: true, timeoutSeconds: 3, labels: { 'slipway.dev/no-such-label': 'x' } };
      }),
    );
    expect(nothing).toMatchObject({ ok: false, exitCode: 0 });
    expect(nothing.message).toContain('helm upgrade succeeded, but the wait failed: Timed out waiting for pods');
    expect(nothing.message).toContain('None found!');
    const after = await observed('web');
    expect(after).toMatchObject({ status: 'deployed', revision: before!.revision + 1 });
    expect(upgradeFailurePlan(before)).toEqual({ kind: 'rollback', revision: before!.revision });
    expect(after!.revision).toBeGreaterThan(before!.revision);
  });

  it('upgrade.pre.delete removes pods by label and waits until they are gone; helm test of a chart without test hooks succeeds without a helm process', async () => {
    await core().createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'old-migration', labels: { 'slipway.dev/pre-delete': 'yes' } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
      },
    });
    const result = await helm().deleteResources(
      spec((s) => (s.preUpgradeDelete = [{ type: 'pod', labels: { 'slipway.dev/pre-delete': 'yes' } }])),
    );
    expect(result.message).toBe('');
    expect(result).toMatchObject({ ok: true, action: 'delete-resources', exitCode: 0 });
    const left = await core().listNamespacedPod({ namespace: ns, labelSelector: 'slipway.dev/pre-delete=yes' });
    expect(left.items).toHaveLength(0);

    // demo-app has no test hook: the stored revision says so, and `helm test` would run nothing.
    const tested = await helm().test(spec());
    expect(tested.message).toBe('no test hooks: nothing to run');
    expect(tested.ok).toBe(true);
  });

  it('uninstall removes the release (and a second uninstall is still a success)', async () => {
    const result = await helm().uninstall('web', ns, 120);
    expect(result.message).toBe('');
    expect(result.ok).toBe(true);
    expect(await observed('web')).toBeUndefined();
    expect(await helm().values('web', ns)).toBeUndefined();
    expect((await helm().uninstall('web', ns, 60)).ok).toBe(true);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs helm directly (test scaffolding, chart defaults: no values), waits for the revision to be pending, kills it. */
async function killHelmWhilePending(args: string[], status: string): Promise<ObservedRelease> {
  const child = execa(
    kube().helm,
    [...args, '--namespace', ns, '--kubeconfig', kube().kubeconfig, '--wait', '--timeout', '300s'],
    {
      reject: false,
      env: { HELM_DRIVER: 'secret' },
    },
  );
  try {
    await until(async () => (await observed('stuck'))?.status === status);
  } finally {
    child.kill('SIGKILL');
    await child;
  }
  return (await observed('stuck'))!;
}

const QUOTA = 'slipway-e2e-no-pods';
const blockPods = () =>
  core().createNamespacedResourceQuota({
    namespace: ns,
    body: { metadata: { name: QUOTA }, spec: { hard: { pods: '0' } } },
  });
const allowPods = () => core().deleteNamespacedResourceQuota({ name: QUOTA, namespace: ns });

describe('stale pending-* locks (helm killed mid-operation) are unlocked', () => {
  it('pending-install, never deployed: wait while fresh; then uninstall (never when protected) and install again', async () => {
    await core()
      .createNamespace({ body: { metadata: { name: ns } } })
      .catch(() => undefined);
    await blockPods();
    let stuck: ObservedRelease;
    try {
      stuck = await killHelmWhilePending(
        ['install', 'stuck', chart('demo-app'), '--labels', 'slipway.dev/digest=stuck-1'],
        'pending-install',
      );
    } finally {
      await allowPods();
    }
    expect(stuck).toMatchObject({ name: 'stuck', revision: 1, status: 'pending-install', digest: 'stuck-1' });
    expect(stuck.lastDeployedRevision).toBeUndefined();
    const policy = { protected: false, timeoutSeconds: 600 };
    expect(recoverObserved(stuck, policy, new Date())).toMatchObject({ kind: 'wait' });
    const later = new Date(Date.parse(stuck.updatedAt!) + 601_000);
    expect(recoverObserved(stuck, { ...policy, protected: true }, later)).toMatchObject({ kind: 'fail' });
    expect(recoverObserved(stuck, policy, later)).toMatchObject({ kind: 'uninstall', thenInstall: true });

    const removed = await helm().uninstall('stuck', ns, 120);
    expect(removed.message).toBe('');
    expect(await observed('stuck')).toBeUndefined();
    const installed = await helm().install(spec((s) => ((s.name = 'stuck'), (s.digest = 'stuck-2'))));
    expect(installed.message).toBe('');
    expect(await observed('stuck')).toMatchObject({ revision: 1, status: 'deployed', digest: 'stuck-2' });
  });

  it('pending-upgrade over a deployed revision: rolled back to it, which unlocks the release', async () => {
    await blockPods();
    let stuck: ObservedRelease;
    try {
      stuck = await killHelmWhilePending(
        ['upgrade', 'stuck', chart('demo-app'), '--reset-values', '--labels', 'slipway.dev/digest=stuck-3'],
        'pending-upgrade',
      );
    } finally {
      await allowPods();
    }
    expect(stuck).toMatchObject({ revision: 2, status: 'pending-upgrade', digest: 'stuck-3', lastDeployedRevision: 1 });
    // While it is locked, helm itself refuses another upgrade, with its own message.
    const refused = await helm().upgrade(spec((s) => ((s.name = 'stuck'), (s.digest = 'stuck-4'))));
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('another operation (install/upgrade/rollback) is in progress');

    const decision = recoverObserved(
      stuck,
      { protected: true, timeoutSeconds: 1 },
      new Date(Date.parse(stuck.updatedAt!) + 2_000),
    );
    expect(decision).toMatchObject({ kind: 'rollback', revision: 1 });
    const rolled = await helm().rollback('stuck', ns, 1, 120);
    expect(rolled.message).toBe('');
    expect(await observed('stuck')).toMatchObject({
      revision: 3,
      status: 'deployed',
      digest: 'stuck-2',
      lastDeployedRevision: 3,
    });
    const upgraded = await helm().upgrade(spec((s) => ((s.name = 'stuck'), (s.digest = 'stuck-4'))));
    expect(upgraded.message).toBe('');
    expect(await observed('stuck')).toMatchObject({ revision: 4, status: 'deployed', digest: 'stuck-4' });
  });
});
