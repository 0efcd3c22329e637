// One release step: the diff's action run through the helm driver, with Armada's recovery
// (a failed install is purged and retried once unless protected; a failed upgrade is rolled
// back) and helm's own error text in the result.

import type { ReleaseDecision } from "../diff/types.js";
import type { HelmDriver, HelmResult, ReleaseSpec } from "../drivers/types.js";
import type { StepOutcome } from "./types.js";

export interface ReleaseOutcome {
  outcome: StepOutcome;
  message: string;
}

export async function runRelease(spec: ReleaseSpec, decision: ReleaseDecision, helm: HelmDriver, progress: (m: string) => void): Promise<ReleaseOutcome> {
  const failed = (r: HelmResult, what: string = r.action): ReleaseOutcome => ({ outcome: "failed", message: `helm ${what} ${spec.namespace}/${spec.name} failed: ${r.message || `exit code ${r.exitCode}`}` });
  switch (decision.action) {
    case "none":
      return { outcome: "unchanged", message: decision.reason };
    case "wait":
    case "blocked":
      return { outcome: "failed", message: `${spec.namespace}/${spec.name} is ${decision.state}: ${decision.reason}` };
    case "unlock": {
      progress(`unlocking: ${decision.reason}`);
      const last = decision.observed?.lastDeployedRevision;
      const r = last !== undefined ? await helm.rollback(spec.name, spec.namespace, last, spec.timeoutSeconds) : await helm.uninstall(spec.name, spec.namespace, spec.timeoutSeconds);
      if (!r.ok) return failed(r);
      return last !== undefined ? upgrade(spec, helm, last, progress, failed) : install(spec, helm, progress, failed);
    }
    case "reinstall": {
      progress("uninstalling the failed release before installing again");
      const r = await helm.uninstall(spec.name, spec.namespace, spec.timeoutSeconds);
      if (!r.ok) return failed(r);
      return install(spec, helm, progress, failed);
    }
    case "install":
      return install(spec, helm, progress, failed);
    case "upgrade":
      return upgrade(spec, helm, decision.observed?.lastDeployedRevision, progress, failed);
  }
}

type Fail = (r: HelmResult, what?: string) => ReleaseOutcome;

async function install(spec: ReleaseSpec, helm: HelmDriver, progress: (m: string) => void, failed: Fail): Promise<ReleaseOutcome> {
  progress("helm install");
  let r = await helm.install(spec);
  if (!r.ok && !spec.protected) {
    progress(`install failed, purging and retrying once: ${r.message}`);
    const purge = await helm.uninstall(spec.name, spec.namespace, spec.timeoutSeconds);
    if (purge.ok) r = await helm.install(spec);
  }
  if (!r.ok) return failed(r);
  return test(spec, helm, progress, failed, { outcome: "created", message: `installed in ${ms(r)}` });
}

async function upgrade(spec: ReleaseSpec, helm: HelmDriver, rollbackTo: number | undefined, progress: (m: string) => void, failed: Fail): Promise<ReleaseOutcome> {
  if (spec.preUpgradeDelete.length) {
    progress("deleting resources before the upgrade");
    const d = await helm.deleteResources(spec);
    if (!d.ok) return failed(d);
  }
  progress("helm upgrade");
  const r = await helm.upgrade(spec);
  if (!r.ok) {
    if (rollbackTo !== undefined) {
      progress(`upgrade failed, rolling back to revision ${rollbackTo}`);
      const rb = await helm.rollback(spec.name, spec.namespace, rollbackTo, spec.timeoutSeconds);
      const o = failed(r);
      return rb.ok ? { ...o, message: `${o.message} (rolled back to revision ${rollbackTo})` } : { ...o, message: `${o.message}; rollback failed too: ${rb.message}` };
    }
    return failed(r);
  }
  return test(spec, helm, progress, failed, { outcome: "changed", message: `upgraded in ${ms(r)}` });
}

async function test(spec: ReleaseSpec, helm: HelmDriver, progress: (m: string) => void, failed: Fail, done: ReleaseOutcome): Promise<ReleaseOutcome> {
  if (!spec.test.enabled) return done;
  progress("helm test");
  const t = await helm.test(spec);
  return t.ok ? done : failed(t, "test");
}

const ms = (r: HelmResult) => `${(r.durationMs / 1000).toFixed(1)}s`;
