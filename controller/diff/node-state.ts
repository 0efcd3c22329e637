// The state of one planned bare-metal node, from what Ironic reports, and the action for it.

import type { NodeSpec, ObservedNode } from '../drivers/types.js';
import type { NodeAction, NodeDecision, NodeState } from './types.js';

const ACTION: Record<NodeState, NodeAction> = {
  absent: 'enroll',
  'in-sync': 'none',
  changed: 'update',
  incomplete: 'provision',
  failed: 'provision',
};

export function nodeDecision(stepId: string, spec: NodeSpec, observed: ObservedNode | undefined): NodeDecision {
  const { state, reason } = nodeState(spec, observed);
  const d: NodeDecision = { kind: 'node', stepId, state, action: ACTION[state], reason };
  if (observed) d.observed = observed;
  return d;
}

export function nodeState(spec: NodeSpec, observed: ObservedNode | undefined): { state: NodeState; reason: string } {
  if (!observed) return { state: 'absent', reason: 'not enrolled' };
  if (/fail|error/.test(observed.provisionState))
    return { state: 'failed', reason: `${observed.provisionState}: ${observed.lastError ?? 'no last_error'}` };
  if (observed.digest !== spec.digest)
    return {
      state: 'changed',
      reason: observed.digest ? 'the node spec changed' : "enrolled without Slipway's digest",
    };
  if (observed.provisionState !== spec.target || observed.targetProvisionState) {
    return { state: 'incomplete', reason: `${observed.provisionState}, target ${spec.target}` };
  }
  return { state: 'in-sync', reason: `${observed.provisionState} with the planned digest` };
}
