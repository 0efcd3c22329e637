// The state of one planned release, from what Helm stored for it, and the action for it.

import { digestMatches } from "../drivers/helm/digest-label.js";
import type { ObservedRelease, ReleaseSpec } from "../drivers/types.js";
import type { ReleaseAction, ReleaseDecision, ReleaseState } from "./types.js";

const ACTION: Record<ReleaseState, ReleaseAction> = {
  absent: "install",
  "in-sync": "none",
  changed: "upgrade",
  failed: "upgrade",
  stuck: "unlock",
  locked: "wait",
  "protected-failed": "blocked",
};

export function releaseDecision(stepId: string, spec: ReleaseSpec, observed: ObservedRelease | undefined, now: Date): ReleaseDecision {
  const { state, reason } = releaseState(spec, observed, now);
  let action = ACTION[state];
  // A failed first install has nothing to upgrade from: start again.
  if (state === "failed" && observed?.lastDeployedRevision === undefined) action = "reinstall";
  const d: ReleaseDecision = { kind: "release", stepId, state, action, reason };
  if (observed) d.observed = observed;
  return d;
}

export function releaseState(spec: ReleaseSpec, observed: ObservedRelease | undefined, now: Date): { state: ReleaseState; reason: string } {
  if (!observed || observed.status === "uninstalled") return { state: "absent", reason: "not installed" };
  switch (observed.status) {
    case "deployed":
      return digestMatches(observed.digest, spec.digest)
        ? { state: "in-sync", reason: `revision ${observed.revision} has the planned digest` }
        : { state: "changed", reason: observed.digest ? `revision ${observed.revision} has another digest` : `revision ${observed.revision} was not installed by Slipway` };
    case "failed":
      if (spec.protected && observed.lastDeployedRevision === undefined) return { state: "protected-failed", reason: "failed and protected: resolve it by hand" };
      return { state: "failed", reason: `revision ${observed.revision} failed` };
    case "pending-install":
    case "pending-upgrade":
    case "pending-rollback": {
      const age = observed.updatedAt ? (now.getTime() - Date.parse(observed.updatedAt)) / 1000 : Infinity;
      if (age > spec.timeoutSeconds) {
        if (spec.protected && observed.lastDeployedRevision === undefined) return { state: "protected-failed", reason: `${observed.status} for ${Math.round(age)}s and protected` };
        return { state: "stuck", reason: `${observed.status} for ${Math.round(age)}s, longer than its ${spec.timeoutSeconds}s timeout` };
      }
      return { state: "locked", reason: `${observed.status} for ${Math.round(age)}s: another operation is running` };
    }
    case "uninstalling":
      return { state: "locked", reason: "being uninstalled" };
    default:
      return { state: "changed", reason: `status ${observed.status}` };
  }
}
