// Recovery decisions as table tests: each row edits a base input (helm-controller's
// state_test.go habit) and names the one decision it expects.
import { describe, expect, it } from 'vitest';
import type { ObservedRelease } from '../drivers/types.js';
import {
  installFailurePlan,
  type Recovery,
  type RecoveryPolicy,
  recoverObserved,
  upgradeFailurePlan,
} from './release-recovery.js';

const NOW = new Date('2026-11-22T03:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

describe('recoverObserved (before acting on a release)', () => {
  const base = (): { observed: ObservedRelease; policy: RecoveryPolicy } => ({
    observed: {
      name: 'app',
      namespace: 'ns',
      revision: 3,
      status: 'deployed',
      digest: 'd3',
      updatedAt: ago(10),
      lastDeployedRevision: 3,
    },
    policy: { protected: false, timeoutSeconds: 300 },
  });
  const rows: Array<{
    name: string;
    edit: (i: ReturnType<typeof base>) => void;
    want: Partial<Recovery> & { kind: Recovery['kind'] };
  }> = [
    { name: 'deployed: nothing', edit: () => {}, want: { kind: 'none' } },
    {
      name: "deployed with another digest: nothing to recover (an upgrade is the diff stage's call)",
      edit: (i) => (i.observed.digest = 'other'),
      want: { kind: 'none' },
    },
    {
      name: 'pending-upgrade within its timeout: wait',
      edit: (i) =>
        Object.assign(i.observed, { status: 'pending-upgrade', updatedAt: ago(100), lastDeployedRevision: 2 }),
      want: { kind: 'wait', retryAfterSeconds: 200 },
    },
    {
      name: 'pending-upgrade beyond its timeout: roll back to the last deployed revision',
      edit: (i) =>
        Object.assign(i.observed, { status: 'pending-upgrade', updatedAt: ago(301), lastDeployedRevision: 2 }),
      want: { kind: 'rollback', revision: 2 },
    },
    {
      name: 'pending-rollback beyond its timeout, protected: still a rollback (nothing is purged)',
      edit: (i) => {
        Object.assign(i.observed, { status: 'pending-rollback', updatedAt: ago(1000), lastDeployedRevision: 1 });
        i.policy.protected = true;
      },
      want: { kind: 'rollback', revision: 1 },
    },
    {
      name: 'pending-install beyond its timeout, never deployed: uninstall, then install',
      edit: (i) => {
        Object.assign(i.observed, { status: 'pending-install', revision: 1, updatedAt: ago(301) });
        delete i.observed.lastDeployedRevision;
      },
      want: { kind: 'uninstall', thenInstall: true },
    },
    {
      name: 'pending-install beyond its timeout, protected: fail, never uninstalled',
      edit: (i) => {
        Object.assign(i.observed, { status: 'pending-install', revision: 1, updatedAt: ago(301) });
        delete i.observed.lastDeployedRevision;
        i.policy.protected = true;
      },
      want: { kind: 'fail' },
    },
    {
      name: 'pending-install with no recorded time: treated as stale',
      edit: (i) => {
        Object.assign(i.observed, { status: 'pending-install', revision: 1 });
        delete i.observed.updatedAt;
        delete i.observed.lastDeployedRevision;
      },
      want: { kind: 'uninstall', thenInstall: true },
    },
    {
      name: 'uninstalling beyond its timeout: finish the uninstall',
      edit: (i) => Object.assign(i.observed, { status: 'uninstalling', updatedAt: ago(900) }),
      want: { kind: 'uninstall', thenInstall: false },
    },
    {
      name: 'failed with a deployed revision: roll back',
      edit: (i) => Object.assign(i.observed, { status: 'failed', lastDeployedRevision: 2 }),
      want: { kind: 'rollback', revision: 2 },
    },
    {
      name: 'failed and never deployed: uninstall, then install',
      edit: (i) => {
        Object.assign(i.observed, { status: 'failed', revision: 1 });
        delete i.observed.lastDeployedRevision;
      },
      want: { kind: 'uninstall', thenInstall: true },
    },
    {
      name: 'failed and never deployed, protected: fail',
      edit: (i) => {
        Object.assign(i.observed, { status: 'failed', revision: 1 });
        delete i.observed.lastDeployedRevision;
        i.policy.protected = true;
      },
      want: { kind: 'fail' },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const input = base();
      row.edit(input);
      expect(recoverObserved(input.observed, input.policy, NOW)).toMatchObject(row.want);
    });
  }
  it('no release: nothing', () => expect(recoverObserved(undefined, base().policy, NOW)).toEqual({ kind: 'none' }));
});

describe('what an action does when its run fails (decided with the action)', () => {
  const observed: ObservedRelease = {
    name: 'app',
    namespace: 'ns',
    revision: 3,
    status: 'deployed',
    lastDeployedRevision: 3,
  };
  it('install: purge and retry once', () =>
    expect(installFailurePlan({ protected: false })).toEqual({ kind: 'purge-and-retry' }));
  it('install of a protected release: fail, never purged', () =>
    expect(installFailurePlan({ protected: true })).toEqual({ kind: 'fail' }));
  it('upgrade: roll back to the revision deployed before it', () =>
    expect(upgradeFailurePlan(observed)).toEqual({ kind: 'rollback', revision: 3 }));
  it('upgrade of a release never deployed: fail', () =>
    expect(upgradeFailurePlan({ ...observed, status: 'failed', lastDeployedRevision: undefined })).toEqual({
      kind: 'fail',
    }));
});
