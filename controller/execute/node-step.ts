// One node step: the diff's decided action through a table (action → Ironic driver call).
// enroll, update and provision all drive the node to its target with the idempotent ensure.
// A node that failed back into `enroll` is one whose BMC Ironic could not verify (refused
// credentials, no answer): its message starts with the code BmcVerificationFailed, as the
// driver's own does when the BMC refuses new settings of a node past enroll.

import type { NodeAction, NodeDecision } from '../diff/types.js';
import type { IronicDriver, NodeSpec } from '../drivers/types.js';
import type { StepOutcome } from './types.js';

type NodeOutcome = { outcome: StepOutcome; message: string };
type Handler = (
  spec: NodeSpec,
  decision: NodeDecision,
  ironic: IronicDriver,
  progress: (m: string) => void,
) => Promise<NodeOutcome>;

const ensure: Handler = async (spec, decision, ironic, progress) => {
  const r = await ironic.ensure(spec, (e) => progress(e.message ? `${e.state}: ${e.message}` : e.state));
  switch (r.kind) {
    case 'complete':
      return {
        outcome: r.created ? 'created' : r.changed || decision.action !== 'enroll' ? 'changed' : 'unchanged',
        message: r.node.provisionState,
      };
    case 'failed':
      if (r.message.startsWith('BmcVerificationFailed: ')) return { outcome: 'failed', message: r.message };
      return r.node?.provisionState === 'enroll'
        ? {
            outcome: 'failed',
            message: `BmcVerificationFailed: node ${spec.name}: Ironic could not verify its BMC, the node stays in enroll: ${r.message}`,
          }
        : { outcome: 'failed', message: `node ${spec.name}: ${r.message}` };
    case 'error':
      return { outcome: 'failed', message: `node ${spec.name}: ${r.message}` };
  }
};

export const NODE_ACTIONS: Record<NodeAction, Handler> = {
  none: async (_spec, decision) => ({ outcome: 'unchanged', message: decision.reason }),
  enroll: ensure,
  update: ensure,
  provision: ensure,
};

export function runNode(
  spec: NodeSpec,
  decision: NodeDecision,
  ironic: IronicDriver,
  progress: (m: string) => void,
): Promise<NodeOutcome> {
  return NODE_ACTIONS[decision.action](spec, decision, ironic, progress);
}
