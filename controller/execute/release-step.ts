// One release step: the diff's decided action, run through a table (action → helm driver
// calls). Nothing here decides: the action, the revision an unlock rolls back to and what a
// failed run leads to (onFailure) were all chosen by diff/ (release-state.ts and the recovery
// policy beside it); helm's own error text is the step's message.

import type { ReleaseAction, ReleaseDecision } from '../diff/types.js';
import type { HelmDriver, HelmResult, ObservedRelease, ReleaseSpec } from '../drivers/types.js';
import type { StepOutcome } from './types.js';

export interface ReleaseOutcome {
  outcome: StepOutcome;
  message: string;
}

interface Run {
  spec: ReleaseSpec;
  decision: ReleaseDecision;
  helm: HelmDriver;
  progress: (m: string) => void;
}

type Handler = (run: Run) => Promise<ReleaseOutcome>;

/** Every action diff can decide, and the one sequence of driver calls for it. */
export const RELEASE_ACTIONS: Record<ReleaseAction, Handler> = {
  none: async ({ decision }) => ({ outcome: 'unchanged', message: decision.reason }),
  wait: async ({ spec, decision }) => ({
    outcome: 'failed',
    message: `${spec.namespace}/${spec.name}: ${decision.reason}`,
  }),
  blocked: async ({ spec, decision }) => ({
    outcome: 'failed',
    message: `${spec.namespace}/${spec.name}: ${decision.reason}`,
  }),
  install: (run) => install(run),
  upgrade: (run) => upgrade(run),
  reinstall: async (run) => {
    run.progress(run.decision.reason);
    const r = await run.helm.uninstall(run.spec.name, run.spec.namespace, run.spec.timeoutSeconds);
    if (!r.ok) return failed(run.spec, r);
    return install(run);
  },
  unlock: async (run) => {
    const { spec, decision, helm, progress } = run;
    if (decision.rollbackTo === undefined)
      return {
        outcome: 'failed',
        message: `${spec.namespace}/${spec.name}: unlock without a revision to roll back to`,
      };
    progress(decision.reason);
    const r = await helm.rollback(spec.name, spec.namespace, decision.rollbackTo, spec.timeoutSeconds);
    if (!r.ok) return failed(spec, r);
    return upgrade(run);
  },
  repair: async ({ spec, decision, helm, progress }) => {
    const objects = decision.drift ?? [];
    progress(`re-applying ${objects.length} drifted object(s)`);
    const r = await helm.repair(
      spec.name,
      spec.namespace,
      objects.map((o) => o.apply),
    );
    if (!r.ok) return failed(spec, r);
    return {
      outcome: 'changed',
      message: `repaired ${objects.map((o) => refText(o.ref)).join(', ')} (no new revision)`,
    };
  },
};

export async function runRelease(
  spec: ReleaseSpec,
  decision: ReleaseDecision,
  helm: HelmDriver,
  progress: (m: string) => void,
): Promise<ReleaseOutcome> {
  return RELEASE_ACTIONS[decision.action]({ spec, decision, helm, progress });
}

async function install({ spec, decision, helm, progress }: Run): Promise<ReleaseOutcome> {
  const retries = decision.onFailure.kind === 'purge-and-retry' ? 1 : 0;
  for (let attempt = 0; ; attempt++) {
    progress(attempt === 0 ? 'helm install' : 'helm install (retry)');
    const r = await helm.install(spec);
    if (r.ok) return test(spec, helm, progress, { outcome: 'created', message: `installed in ${seconds(r)}` });
    if (attempt >= retries) return failed(spec, r);
    // onFailure purge-and-retry: uninstall whatever the failed install stored, then once more.
    const stored = await observe(helm, spec);
    progress(
      `install of ${spec.namespace}/${spec.name} failed: ${stored ? 'uninstalling and retrying once' : 'retrying once'}: ${r.message}`,
    );
    if (stored) {
      const u = await helm.uninstall(spec.name, spec.namespace, spec.timeoutSeconds);
      if (!u.ok) return failed(spec, r, `; uninstalling it failed too: ${u.message}`);
    }
  }
}

async function upgrade({ spec, decision, helm, progress }: Run): Promise<ReleaseOutcome> {
  if (spec.preUpgradeDelete.length) {
    progress('deleting resources before the upgrade');
    const d = await helm.deleteResources(spec);
    if (!d.ok) return failed(spec, d);
  }
  progress('helm upgrade');
  const r = await helm.upgrade(spec, decision.observed);
  if (r.ok) return test(spec, helm, progress, { outcome: 'changed', message: `upgraded in ${seconds(r)}` });
  const plan = decision.onFailure;
  if (plan.kind !== 'rollback') return failed(spec, r);
  // onFailure rollback: only when Helm stored a revision after the target (a template error stores none).
  const after = await observe(helm, spec);
  if (after && after.revision <= plan.revision) return failed(spec, r);
  progress(`upgrade of ${spec.namespace}/${spec.name} failed: rolling back to revision ${plan.revision}`);
  const rb = await helm.rollback(spec.name, spec.namespace, plan.revision, spec.timeoutSeconds);
  return failed(
    spec,
    r,
    rb.ok ? ` (rolled back to revision ${plan.revision})` : `; rollback failed too: ${rb.message}`,
  );
}

async function test(
  spec: ReleaseSpec,
  helm: HelmDriver,
  progress: (m: string) => void,
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

const refText = (r: { kind: string; namespace?: string; name: string }) =>
  `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

const seconds = (r: HelmResult) => `${(r.durationMs / 1000).toFixed(1)}s`;
