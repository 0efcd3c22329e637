// The fake driver keeps Helm's statuses and digests and counts calls, so the workflow's
// unit tests can assert "zero helm upgrades" and drive failures.
import { describe, expect, it } from 'vitest';
import { digestMatches } from './digest-label.js';
import { createFakeHelmDriver } from './fake.js';
import { baseSpec } from './test-helpers.js';

describe('fake helm driver', () => {
  it('install, upgrade, list: revisions, statuses, digests, last deployed', async () => {
    const helm = createFakeHelmDriver();
    expect((await helm.install(baseSpec())).ok).toBe(true);
    expect((await helm.upgrade(baseSpec((s) => (s.digest = 'b'.repeat(64))))).ok).toBe(true);
    const [rel] = await helm.list(['ingress']);
    expect(rel).toMatchObject({
      name: 'lab-ingress',
      namespace: 'ingress',
      revision: 2,
      status: 'deployed',
      lastDeployedRevision: 2,
    });
    expect(digestMatches(rel!.digest, 'b'.repeat(64))).toBe(true);
    expect(helm.history('lab-ingress', 'ingress').map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(await helm.values('lab-ingress', 'ingress')).toEqual({ replicas: 2, password: 's3cr3t-value' });
    expect(helm.count('upgrade')).toBe(1);
    expect(helm.count()).toBe(2);
    expect(helm.count('list')).toBe(1);
  });

  it('a failing release: helm-like message, a failed revision, rollback restores the old digest', async () => {
    const helm = createFakeHelmDriver();
    await helm.install(baseSpec());
    helm.fail('lab-ingress', { actions: ['upgrade'], message: 'Error: UPGRADE FAILED: boom', times: 1 });
    const failed = await helm.upgrade(baseSpec((s) => (s.digest = 'new')));
    expect(failed).toMatchObject({ ok: false, exitCode: 1, message: 'Error: UPGRADE FAILED: boom' });
    expect((await helm.list())[0]).toMatchObject({
      revision: 2,
      status: 'failed',
      digest: 'new',
      lastDeployedRevision: 1,
    });
    expect((await helm.rollback('lab-ingress', 'ingress', 1, 60)).ok).toBe(true);
    expect((await helm.list())[0]).toMatchObject({
      revision: 3,
      status: 'deployed',
      digest: '0123456789abcdef0123456789abcdef',
    });
    expect((await helm.upgrade(baseSpec((s) => (s.digest = 'new')))).ok).toBe(true); // times: 1 is used up
  });

  it('install failures can leave nothing (template error) or a pending lock', async () => {
    const helm = createFakeHelmDriver();
    helm.fail('lab-ingress', { leaves: 'nothing' });
    const r = await helm.install(baseSpec());
    expect(r.message).toBe('Error: INSTALLATION FAILED: fake failure of release "lab-ingress"');
    expect(await helm.list()).toEqual([]);
    helm.fail('lab-ingress', { leaves: 'pending' });
    await helm.install(baseSpec());
    expect((await helm.list())[0]?.status).toBe('pending-install');
    expect((await helm.upgrade(baseSpec())).message).toContain(
      'another operation (install/upgrade/rollback) is in progress',
    );
  });

  it('installing over an existing release fails like helm; uninstall removes it', async () => {
    const helm = createFakeHelmDriver();
    await helm.install(baseSpec());
    expect((await helm.install(baseSpec())).message).toContain('cannot re-use a name that is still in use');
    expect((await helm.uninstall('lab-ingress', 'ingress', 60)).ok).toBe(true);
    expect(await helm.list()).toEqual([]);
    expect(await helm.values('lab-ingress', 'ingress')).toBeUndefined();
  });

  it('seed puts a release in any state', async () => {
    const helm = createFakeHelmDriver();
    helm.seed('app', 'ns', [
      { status: 'superseded', digest: 'a' },
      { status: 'pending-upgrade', updatedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(await helm.list(['ns'])).toEqual([
      {
        name: 'app',
        namespace: 'ns',
        revision: 2,
        status: 'pending-upgrade',
        updatedAt: '2026-01-01T00:00:00.000Z',
        lastDeployedRevision: 1,
      },
    ]);
    expect(await helm.list(['other'])).toEqual([]);
  });
});
