// What the diff decides: one state per release or node, and one action per state.

import type { JsonObject } from '../documents/types.js';
import type { ObjectRef, ObservedNode, ObservedObject, ObservedRelease } from '../drivers/types.js';
import type { FailurePlan } from './release-recovery.js';

/** Flux helm-controller's habit: name the state first, then pick the one action for it. */
export type ReleaseState =
  | 'absent' // no release: install
  | 'in-sync' // deployed with the planned digest: nothing to do
  | 'changed' // deployed with another digest (or none): upgrade
  | 'failed' // last revision failed: upgrade over it, or reinstall if it never deployed
  | 'stuck' // pending-* for longer than its timeout: unlock, then upgrade/install
  | 'locked' // pending-* within its timeout, or uninstalling: another operation owns it
  | 'protected-failed' // failed and protected: never purged automatically
  | 'out-of-band' // the latest revision is not the one Slipway made (a hand-run helm upgrade/rollback): upgrade
  | 'drifted'; // in sync in Helm, but live objects differ from the release's manifest: repair

/**
 * The one thing execute does for a release (its table: execute/release-actions.ts):
 *   install    helm install (onFailure: purge and retry once, unless protected)
 *   upgrade    [upgrade.pre.delete] helm upgrade (onFailure: roll back to the last deployed revision)
 *   reinstall  helm uninstall, then install as above
 *   unlock     helm rollback to `rollbackTo`, then upgrade (onFailure: roll back to it again)
 *   repair     server-side apply of the drifted objects (`drift`): no new Helm revision
 *   wait       nothing: another operation holds the release; the step fails and is retried
 *   blocked    nothing: a person must act (protected release)
 */
export type ReleaseAction = 'none' | 'install' | 'upgrade' | 'reinstall' | 'unlock' | 'wait' | 'blocked' | 'repair';

/** `spec.driftDetection` / `--drift-detection`: enabled repairs, warn only reports, disabled does not look. */
export type DriftDetection = 'enabled' | 'warn' | 'disabled';

export interface DriftedField {
  /** JSON pointer into the object. */
  path: string;
  /** undefined: absent. */
  live?: unknown;
  desired?: unknown;
}

export interface DriftedObject {
  ref: ObjectRef;
  /** The object is gone from the cluster. */
  missing: boolean;
  fields: DriftedField[];
  /** What repair applies: the manifest object without the ignored fields and those others own. */
  apply: JsonObject;
}

/** One node's state (diff/node-state.ts says what each means and what it leads to). */
export type NodeState =
  | 'absent' // not enrolled: enroll
  | 'in-sync' // where the plan says, with the planned digest: nothing to do
  | 'changed' // another digest (or none): update its fields, then drive it to its target
  | 'incomplete' // short of its target: provision
  | 'failed' // a failed provision state: provision (the driver's recovery)
  | 'maintenance' // in sync, but in maintenance set outside Slipway: reported, left alone
  | 'slipway-maintenance' // in sync, in maintenance Slipway set: leave-maintenance
  | 'powered-off' // active with the planned digest, powered off: power-on
  | 'provision-drift'; // deployed by Slipway with this digest, found undeployed: reported, never redeployed

/**
 * The one thing execute does for a node (its table: execute/node-step.ts NODE_ACTIONS):
 *   enroll | update | provision   the driver's idempotent ensure (enroll, patch, drive to the target)
 *   power-on                      power the node on (drift detection enabled)
 *   leave-maintenance             lift the maintenance Slipway set (drift detection enabled)
 */
export type NodeAction = 'none' | 'enroll' | 'update' | 'provision' | 'power-on' | 'leave-maintenance';

/** A node field that differs from what the plan wants (no secrets: states and reasons only). */
export interface NodeDrift {
  field: 'maintenance' | 'powerState' | 'provisionState';
  found: string;
  want: string;
}

export interface ReleaseDecision {
  kind: 'release';
  stepId: string;
  state: ReleaseState;
  action: ReleaseAction;
  reason: string;
  observed?: ObservedRelease;
  /** unlock: the deployed revision rolled back to before the upgrade. */
  rollbackTo?: number;
  /** What the action does when its helm run fails, decided with it. */
  onFailure: FailurePlan;
  /** drifted: the objects and fields that differ (repair applies them; warn only reports them). */
  drift?: DriftedObject[];
}

export interface NodeDecision {
  kind: 'node';
  stepId: string;
  state: NodeState;
  action: NodeAction;
  reason: string;
  observed?: ObservedNode;
  /** Drift found on a node otherwise in sync (repaired only when the action says so). */
  drift?: NodeDrift[];
}

export type Decision = ReleaseDecision | NodeDecision;

/** Something Slipway deployed that the site no longer has: removed only with --prune. */
export type PruneItem = { kind: 'release'; name: string; namespace: string } | { kind: 'node'; name: string };

export interface SiteDiff {
  decisions: Map<string, Decision>;
  prune: PruneItem[];
  /** Steps whose action is not `none`. */
  changes: number;
}

export interface Observed {
  releases: ObservedRelease[];
  nodes: ObservedNode[];
  /** Per release (`namespace/name`), its manifest objects beside the live ones; only where drift was looked for. */
  objects?: Map<string, ObservedObject[]>;
}

export interface DiffOptions {
  now?: Date;
  /** Default warn. */
  driftDetection?: DriftDetection;
}
