// What the diff decides: one state per release or node, and one action per state.

import type { ObservedNode, ObservedRelease } from '../drivers/types.js';

/** Flux helm-controller's habit: name the state first, then pick the one action for it. */
export type ReleaseState =
  | 'absent' // no release: install
  | 'in-sync' // deployed with the planned digest: nothing to do
  | 'changed' // deployed with another digest (or none): upgrade
  | 'failed' // last revision failed: upgrade over it, or reinstall if it never deployed
  | 'stuck' // pending-* for longer than its timeout: unlock, then upgrade/install
  | 'locked' // pending-* within its timeout, or uninstalling: another operation owns it
  | 'protected-failed'; // failed and protected: never purged automatically

export type ReleaseAction = 'none' | 'install' | 'upgrade' | 'reinstall' | 'unlock' | 'wait' | 'blocked';

export type NodeState = 'absent' | 'in-sync' | 'changed' | 'incomplete' | 'failed';
export type NodeAction = 'none' | 'enroll' | 'update' | 'provision';

export interface ReleaseDecision {
  kind: 'release';
  stepId: string;
  state: ReleaseState;
  action: ReleaseAction;
  reason: string;
  observed?: ObservedRelease;
}

export interface NodeDecision {
  kind: 'node';
  stepId: string;
  state: NodeState;
  action: NodeAction;
  reason: string;
  observed?: ObservedNode;
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
}
