// One release step: the diff's action run through the helm driver. Locks and leftovers are
// cleared first and failed runs recovered by the helm driver's recovery policy (Armada's:
// a failed install is purged and retried once unless protected; a failed upgrade is rolled
// back); helm's own error text is the step's message.

import type { ReleaseDecision } from '../diff/types.js';
import { type RecoveryPolicy, recoverFailedRun, recoverObserved } from '../drivers/helm/recovery.js';
import type { HelmDriver, HelmResult, ObservedRelease, ReleaseSpec } from '../drivers/types.js';
import type { StepOutcome } from './types.js';

export interface ReleaseOutcome {
  outcome: StepOutcome;
  message: string;
}

type Progress = (m: string) => void;

export async function runRelease(
  spec: ReleaseSpec,
  decision: ReleaseDecision,
  helm: HelmDriver,
  progress: Progress,
  now: () => Date = () => new Date(),
): Promise<ReleaseOutcome> {
  if (decision.action === 'none') return { outcome: 'unchanged', message: decision.reason };
  const policy: RecoveryPolicy = { protected: spec.protected, timeoutSeconds: spec.timeoutSeconds };
  let current = decision.observed?.status === 'uninstalled' ? undefined : decision.observed;

  // Locks and leftovers, as Helm stored them.
  const pre = recoverObserved(current, policy, now());
  switch (pre.kind) {
    case 'wait':
    case 'fail':
      return { outcome: 'failed', message: `${spec.namespace}/${spec.name}: ${pre.reason}` };
    case 'rollback': {
      progress(pre.reason);
      const r = await helm.rollback(spec.name, spec.namespace, pre.revision, spec.timeoutSeconds);
      if (!r.ok) return failed(spec, r);
      current = await observe(helm, spec);
      break;
    }
    case 'uninstall': {
      progress(pre.reason);
      const r = await helm.uninstall(spec.name, spec.namespace, spec.timeoutSeconds);
      if (!r.ok) return failed(spec, r);
      current = undefined;
      break;
    }
  }
  return current ? upgrade(spec, current, helm, policy, progress) : install(spec, helm, policy, progress);
}

async function install(
  spec: ReleaseSpec,
  helm: HelmDriver,
  policy: RecoveryPolicy,
  progress: Progress,
): Promise<ReleaseOutcome> {
  for (let attempt = 1; ; attempt++) {
    progress(attempt === 1 ? 'helm install' : 'helm install (retry)');
    const r = await helm.install(spec);
    const recovery = recoverFailedRun({
      result: r,
      policy,
      after: r.ok ? undefined : await observe(helm, spec),
      attempt,
    });
    if (recovery.kind === 'none')
      return test(spec, helm, progress, { outcome: 'created', message: `installed in ${seconds(r)}` });
    if (recovery.kind === 'uninstall' || recovery.kind === 'retry-install') {
      progress(`${recovery.reason}: ${r.message}`);
      if (recovery.kind === 'uninstall') {
        const u = await helm.uninstall(spec.name, spec.namespace, spec.timeoutSeconds);
        if (!u.ok) return failed(spec, r, `; uninstalling it failed too: ${u.message}`);
      }
      continue;
    }
    return failed(spec, r);
  }
}

async function upgrade(
  spec: ReleaseSpec,
  before: ObservedRelease,
  helm: HelmDriver,
  policy: RecoveryPolicy,
  progress: Progress,
): Promise<ReleaseOutcome> {
  if (spec.preUpgradeDelete.length) {
    progress('deleting resources before the upgrade');
    const d = await helm.deleteResources(spec);
    if (!d.ok) return failed(spec, d);
  }
  progress('helm upgrade');
  const r = await helm.upgrade(spec);
  const recovery = recoverFailedRun({
    result: r,
    policy,
    before,
    after: r.ok ? undefined : await observe(helm, spec),
    attempt: 1,
  });
  if (recovery.kind === 'none')
    return test(spec, helm, progress, { outcome: 'changed', message: `upgraded in ${seconds(r)}` });
  if (recovery.kind === 'rollback') {
    progress(recovery.reason);
    const rb = await helm.rollback(spec.name, spec.namespace, recovery.revision, spec.timeoutSeconds);
    return failed(
      spec,
      r,
      rb.ok ? ` (rolled back to revision ${recovery.revision})` : `; rollback failed too: ${rb.message}`,
    );
  }
  return failed(spec, r);
}

async function test(
  spec: ReleaseSpec,
  helm: HelmDriver,
  progress: Progress,
  done: ReleaseOutcome,
): Promise<ReleaseOutcome> {
  if (!spec.test.enabled) return done;
  progress('helm test');
  const t = await helm.test(spec);
  return t.ok ? done : failed(spec, t);
}

async function observe(helm: HelmDriver, spec: ReleaseSpec): Promise<ObservedRelease | undefined> {
  const found = (await helm.list([spec.namespace])).find((r) => r.name === spec.name);
  return found?.status === 'uninstalled' ? undefined : found;
}

function failed(spec: ReleaseSpec, r: HelmResult, suffix = ''): ReleaseOutcome {
  return {
    outcome: 'failed',
    message: `helm ${r.action} ${spec.namespace}/${spec.name} failed: ${r.message || `exit code ${r.exitCode}`}${suffix}`,
  };
}

const seconds = (r: HelmResult) => `${(r.durationMs / 1000).toFixed(1)}s`;
