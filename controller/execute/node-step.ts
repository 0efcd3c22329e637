// One node step: the Ironic driver drives the node to its target (it is idempotent).
// A node that failed back into `enroll` is one whose BMC Ironic could not verify (refused
// credentials, no answer): its message starts with the code BmcVerificationFailed, as the
// driver's own does when the BMC refuses new settings of a node past enroll.

import type { NodeDecision } from '../diff/types.js';
import type { IronicDriver, NodeSpec } from '../drivers/types.js';
import type { StepOutcome } from './types.js';

export async function runNode(
  spec: NodeSpec,
  decision: NodeDecision,
  ironic: IronicDriver,
  progress: (m: string) => void,
): Promise<{ outcome: StepOutcome; message: string }> {
  if (decision.action === 'none') return { outcome: 'unchanged', message: decision.reason };
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
}
