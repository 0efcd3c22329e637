// The node state machine, Metal3-style: a table from Ironic provision state to a handler.
// Each handler looks at the node, issues at most one action, and returns a StepResult:
//   continue  Ironic is busy with a transition: look again after a back-off
//   update    we issued one write: look again soon
//   complete  the node is where the spec wants it
//   failed    the node is in a failed state: Ironic's last_error, verbatim
//   error     Slipway could not go on (bad input, Ironic unreachable, timeout)
import type { NodeSpec } from '../types.js';
import type { IronicApi, IronicNode } from './api.js';
import { supports } from './version.js';

export type StepResult =
  | { kind: 'continue'; reason: string }
  | { kind: 'update'; action: string }
  | { kind: 'complete' }
  | { kind: 'failed'; message: string }
  | { kind: 'error'; message: string; retryable: boolean };

/** What a handler may use. `issued` lists the actions this run already issued. */
export interface StepContext {
  api: IronicApi;
  /** Negotiated microversion (minor). */
  minor: number;
  issued: string[];
  /** Count one write request (the caller's idempotency figure). */
  wrote(action: string): void;
  /** Hide credentials in text that came from Ironic. */
  redact(text: string): string;
}

export interface EnsureContext extends StepContext {
  spec: NodeSpec;
}

export type Handler<C extends StepContext> = (node: IronicNode, ctx: C) => Promise<StepResult>;

const wait = (node: IronicNode): StepResult => ({
  kind: 'continue',
  reason: `${node.provision_state} → ${node.target_provision_state ?? '?'}`,
});

async function act<C extends StepContext>(
  ctx: C,
  node: IronicNode,
  target: string,
  body: Record<string, unknown> = {},
) {
  await ctx.api.setProvisionState(node.uuid, target, body);
  ctx.issued.push(target);
  ctx.wrote(target);
  return { kind: 'update', action: target } as const;
}

export function lastError(node: IronicNode, ctx: StepContext, fallback: string): string {
  return node.last_error ? ctx.redact(node.last_error) : fallback;
}

const failed = (node: IronicNode, ctx: StepContext, what: string): StepResult => ({
  kind: 'failed',
  message: lastError(
    node,
    ctx,
    `node ${node.name ?? node.uuid} is in "${node.provision_state}" (${what}); Ironic gave no last_error`,
  ),
});

/** A failed state: report it if this run caused it, else try the recovery action once. */
function failedOrRecover<C extends StepContext>(
  causes: string[],
  recover: (node: IronicNode, ctx: C) => string,
): Handler<C> {
  return async (node, ctx) => {
    const target = recover(node, ctx);
    if (causes.some((c) => ctx.issued.includes(c)) || ctx.issued.includes(target)) return failed(node, ctx, 'failed');
    return act(ctx, node, target);
  };
}

const unhold: Handler<StepContext> = async (node, ctx) => {
  if (!supports(ctx.minor, 'unhold')) {
    return {
      kind: 'failed',
      message: `node is in "${node.provision_state}": releasing it needs Ironic API 1.85 (unhold)`,
    };
  }
  if (ctx.issued.includes('unhold')) return wait(node);
  return act(ctx, node, 'unhold');
};

const unsupported: Handler<StepContext> = async (node, ctx) =>
  failed(node, ctx, 'Slipway does not drive nodes out of this state');

/** States in which Ironic is working; we only watch. */
export const TRANSITIONAL = [
  'verifying',
  'inspecting',
  'inspect wait',
  'cleaning',
  'clean wait',
  'deploying',
  'wait call-back',
  'deleting',
  'adopting',
  'rescuing',
  'rescue wait',
  'unrescuing',
  'servicing',
  'service wait',
];

const watching = Object.fromEntries(TRANSITIONAL.map((s) => [s, async (n: IronicNode) => wait(n)])) as Record<
  string,
  Handler<StepContext>
>;

// ---------------------------------------------------------------------------------------
// ensure: enroll → manageable → (inspect) → available → (active)

export const ENSURE_TABLE: Record<string, Handler<EnsureContext>> = {
  ...watching,
  enroll: async (node, ctx) => {
    // A failed `manage` (bad BMC credentials, unreachable BMC) lands back in enroll,
    // with last_error saying why.
    if (ctx.issued.includes('manage')) return node.last_error ? failed(node, ctx, 'verification failed') : wait(node);
    return act(ctx, node, 'manage');
  },
  manageable: async (node, ctx) => {
    if (ctx.spec.inspect && !node.inspection_finished_at && !ctx.issued.includes('inspect')) {
      return act(ctx, node, 'inspect');
    }
    if (ctx.issued.includes('provide')) return failed(node, ctx, 'provide did not complete');
    return act(ctx, node, 'provide');
  },
  'inspect failed': failedOrRecover(['inspect'], () => 'manage'),
  'clean failed': failedOrRecover(['provide'], () => 'manage'),
  available: async (node, ctx) => {
    if (ctx.spec.target !== 'active') return { kind: 'complete' };
    const body: Record<string, unknown> = {};
    if (ctx.spec.configDrive !== undefined) body.configdrive = ctx.spec.configDrive;
    return act(ctx, node, 'active', body);
  },
  'deploy failed': failedOrRecover(['active'], (_n, ctx) => (ctx.spec.target === 'active' ? 'active' : 'deleted')),
  active: async (node) => (node.target_provision_state ? wait(node) : { kind: 'complete' }),
  error: failedOrRecover([], () => 'deleted'),
  'clean hold': unhold,
  'deploy hold': unhold,
  'service hold': unhold,
  'adopt failed': unsupported,
  'rescue failed': unsupported,
  'unrescue failed': unsupported,
  'service failed': unsupported,
  rescue: unsupported,
};

/**
 * Checks made before the table, without writing: a deployed node whose spec lost its
 * image or changed it is never re-provisioned by ensure (that is what remove/--prune is
 * for); a node in maintenance is reported, not driven.
 */
export function precheck(node: IronicNode, spec: NodeSpec): StepResult | undefined {
  const name = spec.name;
  if (node.provision_state === 'active' && node.target_provision_state === null) {
    if (spec.target !== 'active') {
      return {
        kind: 'failed',
        message: `node ${name} is deployed (active) but the spec has no image: Slipway does not undeploy it without --prune`,
      };
    }
    const current = node.instance_info?.image_source;
    if (spec.image && current !== undefined && current !== spec.image.url) {
      return {
        kind: 'failed',
        message: `node ${name} is deployed with another image; redeploying is not automatic (remove it with --prune, then apply)`,
      };
    }
  }
  if (node.maintenance) {
    const done = node.provision_state === spec.target && node.target_provision_state === null;
    if (!done) {
      const reason = (node as { maintenance_reason?: string | null }).maintenance_reason;
      return { kind: 'failed', message: `node ${name} is in maintenance${reason ? `: ${reason}` : ''}` };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// remove: undeploy when deployed, then delete

/** Result of the remove table's last step: the node is gone. */
export const DELETED = 'deleted';

const deleteNode: Handler<StepContext> = async (node, ctx) => {
  await ctx.api.deleteNode(node.uuid);
  ctx.issued.push(DELETED);
  ctx.wrote('delete');
  return { kind: 'complete' };
};

export const REMOVE_TABLE: Record<string, Handler<StepContext>> = {
  ...watching,
  enroll: deleteNode,
  manageable: deleteNode,
  available: deleteNode,
  'adopt failed': deleteNode,
  active: async (node, ctx) => (ctx.issued.includes('deleted') ? wait(node) : act(ctx, node, 'deleted')),
  'deploy failed': async (node, ctx) =>
    ctx.issued.includes('deleted') ? failed(node, ctx, 'undeploy failed') : act(ctx, node, 'deleted'),
  error: async (node, ctx) =>
    ctx.issued.includes('deleted') ? failed(node, ctx, 'undeploy failed') : act(ctx, node, 'deleted'),
  'inspect failed': failedOrRecover([], () => 'manage'),
  'clean failed': failedOrRecover([], () => 'manage'),
  'clean hold': unhold,
  'deploy hold': unhold,
  'service hold': unhold,
  'wait call-back': async (node, ctx) => {
    // A deploy waiting for an agent that will never call back: abort it (API >= 1.110),
    // else undeploy it directly (allowed from wait call-back in every version).
    if (ctx.issued.includes('abort') || ctx.issued.includes('deleted')) return wait(node);
    return act(ctx, node, supports(ctx.minor, 'deployWaitAbort') ? 'abort' : 'deleted');
  },
  'rescue failed': unsupported,
  'unrescue failed': unsupported,
  'service failed': unsupported,
  rescue: unsupported,
};

/** The handler for a state; unknown states are watched while a transition is pending. */
export function handlerFor<C extends StepContext>(table: Record<string, Handler<C>>, node: IronicNode): Handler<C> {
  const h = table[node.provision_state];
  if (h) return h;
  if (node.target_provision_state) return async (n) => wait(n);
  return async (n) => ({
    kind: 'failed',
    message: `node ${n.name ?? n.uuid} is in provision state "${n.provision_state}", which Slipway does not know`,
  });
}
