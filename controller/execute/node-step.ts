// One pass of one node step: the diff's decided action through a table (action → one pass of
// an Ironic driver operation). A pass never waits on the machine: while Ironic works it
// returns `requeue` (after N ms, with the carry for the next pass), and the executor decides
// who waits (the CLI: the executor, outside any queue slot; the operator: the work queue).
// A node that failed back into `enroll` is one whose BMC Ironic could not verify (refused
// credentials, no answer): its message starts with the code BmcVerificationFailed, as the
// driver's own does when the BMC refuses new settings of a node past enroll.

import type { NodeAction, NodeDecision } from '../diff/types.js';
import type { IronicDriver, NodeCarry, NodeOperation, NodePass, NodeSpec } from '../drivers/types.js';
import type { StepOutcome } from './types.js';

export type NodeOutcome =
  | { kind: 'done'; outcome: StepOutcome; message: string }
  | { kind: 'requeue'; afterMs: number; reason: string; carry: NodeCarry };

interface Run {
  spec: NodeSpec;
  decision: NodeDecision;
  ironic: IronicDriver;
  progress: (m: string) => void;
  /** The previous pass's carry: undefined for the first pass of the step. */
  carry: NodeCarry | undefined;
}

type Handler = (run: Run) => Promise<NodeOutcome>;

const done = (outcome: StepOutcome, message: string): NodeOutcome => ({ kind: 'done', outcome, message });

/** One pass of `operation`, and what the step makes of its result. */
const pass =
  (operation: NodeOperation, outcome: (r: Extract<NodePass, { kind: 'complete' }>, run: Run) => NodeOutcome): Handler =>
  async (run) => {
    const { spec, ironic, progress, carry } = run;
    const r = await ironic.pass(spec, operation, carry, (e) =>
      progress(e.message ? `${e.state}: ${e.message}` : e.state),
    );
    switch (r.kind) {
      case 'requeue':
        return { kind: 'requeue', afterMs: r.afterMs, reason: r.reason, carry: r.carry };
      case 'complete':
        return outcome(r, run);
      case 'failed':
        if (r.message.startsWith('BmcVerificationFailed: ')) return done('failed', r.message);
        return r.node?.provisionState === 'enroll' && operation === 'ensure'
          ? done(
              'failed',
              `BmcVerificationFailed: node ${spec.name}: Ironic could not verify its BMC, the node stays in enroll: ${r.message}`,
            )
          : done('failed', `node ${spec.name}: ${r.message}`);
      case 'error':
        return done('failed', `node ${spec.name}: ${r.message}`);
    }
  };

const ensure = pass('ensure', (r, { decision }) =>
  done(
    r.created ? 'created' : r.changed || decision.action !== 'enroll' ? 'changed' : 'unchanged',
    r.node.provisionState,
  ),
);

export const NODE_ACTIONS: Record<NodeAction, Handler> = {
  // In sync now, but an operation of an earlier pass was running (the operator's carry): it got
  // the node here between the passes, and the step is what that operation did.
  none: async ({ decision, carry }) => done(carry ? carriedOutcome(carry) : 'unchanged', decision.reason),
  enroll: ensure,
  update: ensure,
  provision: ensure,
  'power-on': pass('power-on', (r) => done(r.changed ? 'changed' : 'unchanged', `powered on (${r.node.powerState})`)),
  'leave-maintenance': pass('leave-maintenance', (r) =>
    done(r.changed ? 'changed' : 'unchanged', 'left the maintenance Slipway had set'),
  ),
};

function carriedOutcome(carry: NodeCarry): StepOutcome {
  if (carry.created) return 'created';
  return carry.writes > 0 ? 'changed' : 'unchanged';
}

export function runNode(
  spec: NodeSpec,
  decision: NodeDecision,
  ironic: IronicDriver,
  progress: (m: string) => void,
  carry?: NodeCarry,
): Promise<NodeOutcome> {
  return NODE_ACTIONS[decision.action]({ spec, decision, ironic, progress, carry });
}
