// Recovery decisions as table tests: each row edits a base input (helm-controller's
// state_test.go habit) and names the one decision it expects.
import { describe, expect, it } from 'vitest';
import type { HelmResult, ObservedRelease } from '../types.js';
import {
  type FailedRunInput,
  type Recovery,
  type RecoveryPolicy,
  recoverFailedRun,
  recoverObserved,
} from './recovery.js';

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

describe('recoverFailedRun (after a helm run)', () => {
  const HELM_ERROR = 'Error: UPGRADE FAILED: cannot patch "app" with kind Deployment: spec.replicas: Invalid value: -1';
  const result = (edit: Partial<HelmResult> = {}): HelmResult => ({
    ok: false,
    action: 'upgrade',
    release: 'app',
    namespace: 'ns',
    exitCode: 1,
    message: HELM_ERROR,
    durationMs: 1200,
    ...edit,
  });
  const base = (): FailedRunInput => ({
    result: result(),
    policy: { protected: false, timeoutSeconds: 300 },
    before: { name: 'app', namespace: 'ns', revision: 2, status: 'deployed', lastDeployedRevision: 2 },
    after: { name: 'app', namespace: 'ns', revision: 3, status: 'failed', lastDeployedRevision: 2 },
    attempt: 1,
  });
  const rows: Array<{
    name: string;
    edit: (i: FailedRunInput) => void;
    want: Partial<Recovery> & { kind: Recovery['kind'] };
  }> = [
    {
      name: 'success: nothing',
      edit: (i) => (i.result = result({ ok: true, exitCode: 0, message: '' })),
      want: { kind: 'none' },
    },
    {
      name: 'failed upgrade: roll back to the revision deployed before it',
      edit: () => {},
      want: { kind: 'rollback', revision: 2, message: HELM_ERROR },
    },
    {
      name: 'failed upgrade of a protected release: still rolled back',
      edit: (i) => (i.policy.protected = true),
      want: { kind: 'rollback', revision: 2, message: HELM_ERROR },
    },
    {
      name: "upgrade ok but Slipway's wait failed (latest is deployed): roll back to the one before",
      edit: (i) => {
        i.result = result({
          exitCode: 0,
          message: 'helm upgrade succeeded, but the wait failed: Timed out waiting for pods',
        });
        i.after = { name: 'app', namespace: 'ns', revision: 3, status: 'deployed', lastDeployedRevision: 3 };
      },
      want: {
        kind: 'rollback',
        revision: 2,
        message: 'helm upgrade succeeded, but the wait failed: Timed out waiting for pods',
      },
    },
    {
      name: "failed upgrade, no 'before' observation: the deployed revision below the failed one",
      edit: (i) => delete i.before,
      want: { kind: 'rollback', revision: 2 },
    },
    {
      name: 'failed upgrade that stored nothing (template error): fail, nothing to undo',
      edit: (i) => (i.after = { ...i.before! }),
      want: { kind: 'fail', message: HELM_ERROR },
    },
    {
      name: 'failed upgrade of a release never deployed: fail',
      edit: (i) => {
        i.before = { name: 'app', namespace: 'ns', revision: 1, status: 'failed' };
        i.after = { name: 'app', namespace: 'ns', revision: 2, status: 'failed' };
      },
      want: { kind: 'fail' },
    },
    {
      name: 'failed install that left a failed revision: uninstall and retry once',
      edit: (i) => {
        i.result = result({ action: 'install', message: 'Error: INSTALLATION FAILED: boom' });
        delete i.before;
        i.after = { name: 'app', namespace: 'ns', revision: 1, status: 'failed' };
      },
      want: { kind: 'uninstall', thenInstall: true, message: 'Error: INSTALLATION FAILED: boom' },
    },
    {
      name: 'failed install that stored nothing: retry once',
      edit: (i) => {
        i.result = result({ action: 'install', message: 'Error: INSTALLATION FAILED: execution error' });
        delete i.before;
        delete i.after;
      },
      want: { kind: 'retry-install', message: 'Error: INSTALLATION FAILED: execution error' },
    },
    {
      name: 'failed install, second attempt: fail',
      edit: (i) => {
        i.result = result({ action: 'install', message: 'Error: INSTALLATION FAILED: boom' });
        i.attempt = 2;
      },
      want: { kind: 'fail', message: 'Error: INSTALLATION FAILED: boom' },
    },
    {
      name: 'failed install of a protected release: fail, never purged',
      edit: (i) => {
        i.result = result({ action: 'install', message: 'Error: INSTALLATION FAILED: boom' });
        i.policy.protected = true;
      },
      want: { kind: 'fail', message: 'Error: INSTALLATION FAILED: boom' },
    },
    {
      name: "failed rollback: fail with helm's text",
      edit: (i) => (i.result = result({ action: 'rollback', message: 'Error: release has no 7 version' })),
      want: { kind: 'fail', message: 'Error: release has no 7 version' },
    },
    {
      name: "failed test: fail with helm's text",
      edit: (i) => (i.result = result({ action: 'test', message: 'Error: 1 test failed' })),
      want: { kind: 'fail', message: 'Error: 1 test failed' },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const input = base();
      row.edit(input);
      expect(recoverFailedRun(input)).toMatchObject(row.want);
    });
  }
});
