// The state of one planned bare-metal node, from what Ironic reports, and the one action for it.
//
// A node whose fields and provision state match the plan can still have drifted:
//   maintenance            set by a person (or Ironic): reported, never lifted; the node is theirs
//   slipway-maintenance    set by Slipway (extra.slipway_maintenance): lifted (drift detection enabled)
//   powered-off            an active node found powered off: powered on (enabled)
//   provision-drift        a node Slipway deployed (extra.slipway_deployed holds this digest) found
//                          undeployed (available, manageable, deploy failed...): reported, NEVER
//                          redeployed; a changed document (e.g. a new `redeploy` value in the
//                          node's slipway/BaremetalHost/v1) changes the digest, and only that
//                          lets apply deploy it again.
// Drift detection follows the releases' mode: enabled repairs, warn only reports (action none),
// disabled does not look (the node is in sync). provision-drift is the exception: it is never
// repaired whatever the mode, and is reported even when disabled, since not looking would mean
// redeploying the node.

import type { NodeSpec, ObservedNode } from '../drivers/types.js';
import type { DriftDetection, NodeAction, NodeDecision, NodeDrift, NodeState } from './types.js';

/** What each state leads to when drift detection is enabled (warn and disabled never repair). */
const ACTION: Record<NodeState, NodeAction> = {
  absent: 'enroll',
  'in-sync': 'none',
  changed: 'update',
  incomplete: 'provision',
  failed: 'provision',
  maintenance: 'none',
  'slipway-maintenance': 'leave-maintenance',
  'powered-off': 'power-on',
  'provision-drift': 'none',
};

/** States found only by looking for drift: their action is a repair, taken only when enabled. */
const DRIFT_STATES: ReadonlySet<NodeState> = new Set(['maintenance', 'slipway-maintenance', 'powered-off']);

/** Provision states a deployed node can be found in that `ensure` would deploy from again. */
const UNDEPLOYED = /^(available|manageable|enroll|deploy failed|error|inspect failed|clean failed)$/;

interface Judged {
  state: NodeState;
  reason: string;
  drift?: NodeDrift[];
}

export function nodeDecision(
  stepId: string,
  spec: NodeSpec,
  observed: ObservedNode | undefined,
  mode: DriftDetection = 'disabled',
): NodeDecision {
  const j = judge(spec, observed, mode);
  const repair = !DRIFT_STATES.has(j.state) || mode === 'enabled';
  const action = repair ? ACTION[j.state] : 'none';
  const reason =
    repair || ACTION[j.state] === 'none' ? j.reason : `${j.reason} (drift detection ${mode}: not repaired)`;
  const d: NodeDecision = { kind: 'node', stepId, state: j.state, action, reason };
  if (j.drift) d.drift = j.drift;
  if (observed) d.observed = observed;
  return d;
}

export function nodeState(
  spec: NodeSpec,
  observed: ObservedNode | undefined,
  mode: DriftDetection = 'disabled',
): { state: NodeState; reason: string } {
  const { state, reason } = judge(spec, observed, mode);
  return { state, reason };
}

function judge(spec: NodeSpec, observed: ObservedNode | undefined, mode: DriftDetection): Judged {
  if (!observed) return { state: 'absent', reason: 'not enrolled' };
  const stable = !observed.targetProvisionState;
  if (
    spec.target === 'active' &&
    stable &&
    observed.digest === spec.digest &&
    observed.deployedDigest === spec.digest &&
    UNDEPLOYED.test(observed.provisionState)
  ) {
    const why = observed.lastError ? ` (last_error: ${observed.lastError})` : '';
    return {
      state: 'provision-drift',
      reason: `deployed by Slipway, found "${observed.provisionState}"${why}: not redeployed without a document change (a new redeploy value in its slipway/BaremetalHost/v1)`,
      drift: [{ field: 'provisionState', found: observed.provisionState, want: 'active' }],
    };
  }
  if (/fail|error/.test(observed.provisionState))
    return { state: 'failed', reason: `${observed.provisionState}: ${observed.lastError ?? 'no last_error'}` };
  if (observed.digest !== spec.digest)
    return {
      state: 'changed',
      reason: observed.digest ? 'the node spec changed' : "enrolled without Slipway's digest",
    };
  if (observed.provisionState !== spec.target || !stable) {
    return { state: 'incomplete', reason: `${observed.provisionState}, target ${spec.target}` };
  }
  const inSync: Judged = { state: 'in-sync', reason: `${observed.provisionState} with the planned digest` };
  if (mode === 'disabled') return inSync;
  if (observed.maintenance) {
    const why = observed.maintenanceReason ? `: ${observed.maintenanceReason}` : '';
    const drift = [{ field: 'maintenance' as const, found: `on${why}`, want: 'off' }];
    return observed.maintenanceBySlipway
      ? { state: 'slipway-maintenance', reason: `in maintenance set by Slipway${why}`, drift }
      : {
          state: 'maintenance',
          reason: `in maintenance set outside Slipway${why}: left alone until it is lifted`,
          drift,
        };
  }
  if (spec.target === 'active' && observed.powerState === 'power off' && !observed.targetPowerState) {
    return {
      state: 'powered-off',
      reason: 'active but powered off',
      drift: [{ field: 'powerState', found: 'power off', want: 'power on' }],
    };
  }
  return inSync;
}
