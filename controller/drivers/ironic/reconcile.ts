// One pass of each node operation (BMO's actionResult): ensure finds or creates the node,
// keeps its fields in line with the spec (by digest) and takes one step of the state table;
// remove, power-on and leave-maintenance likewise. A pass never waits on the machine: while
// Ironic works it returns "requeue after N ms" with the carry for the next pass (its start,
// for the timeout; the actions issued; the back-off). `drive` runs passes with a sleep
// between them, for callers that want the whole operation (ensure, remove).
import type {
  BmcCredentials,
  NodeCarry,
  NodeOperation,
  NodePass,
  NodeProgress,
  NodeResult,
  NodeSpec,
} from '../types.js';
import { absentNode, type IronicApi, type IronicNode, observe, SLIPWAY_DEPLOYED, SLIPWAY_MAINTENANCE } from './api.js';
import { BmcAddressError, bmcDriver, needsCredentials } from './bmc.js';
import { IronicError, type Sleep } from './client.js';
import { bmcChanged, createBody, type DesiredNode, desiredNode, needsSync, pointer, syncPatch } from './desired.js';
import {
  DELETED,
  ENSURE_TABLE,
  type EnsureContext,
  type Handler,
  handlerFor,
  precheck,
  REMOVE_TABLE,
  type StepContext,
  type StepResult,
  TRANSITIONAL,
} from './state-machine.js';
import { supports } from './version.js';

export type CredentialResolver = (ref: { name: string; namespace?: string }) => Promise<BmcCredentials>;

export interface ReconcileOptions {
  api: IronicApi;
  resolveCredentials?: CredentialResolver;
  /** First poll delay, and the delay after every action. */
  pollIntervalMs: number;
  /** Polls while Ironic is busy back off ×1.5 (after the first few) up to this. */
  maxPollIntervalMs: number;
  /** Give up on one ensure/remove after this long (an `error`, retryable). */
  timeoutMs: number;
  sleep: Sleep;
  now: () => number;
  /** Called for every write request issued (create, patch, provision action, delete). */
  onWrite?: (node: string, action: string) => void;
}

class SpecError extends Error {}

/** Polls at the base interval in one state before backing off. */
const FAST_POLLS = 3;

function redactor(secrets: () => string[]): (text: string) => string {
  return (text) => {
    let out = text;
    for (const s of secrets()) if (s.length >= 4) out = out.split(s).join('***');
    return out;
  };
}

function isStable(node: IronicNode): boolean {
  return !node.target_provision_state && !TRANSITIONAL.includes(node.provision_state);
}

function toResult(err: unknown): NodeResult {
  if (err instanceof IronicError) return { kind: 'error', message: err.message, retryable: err.retryable };
  if (err instanceof BmcAddressError || err instanceof SpecError) {
    return { kind: 'error', message: err.message, retryable: false };
  }
  return { kind: 'error', message: (err as Error)?.message ?? String(err), retryable: false };
}

interface Loop<C extends StepContext> {
  ctx: C;
  table: Record<string, Handler<C>>;
  opts: ReconcileOptions;
  name: string;
  progress: NodeProgress | undefined;
  /** Runs before the table on every look; may take the pass's one action. */
  before?: (node: IronicNode) => Promise<StepResult | IronicNode | undefined>;
}

/** Where a pass stopped: a final step, or one that wants another look after `afterMs`. */
type PassOutcome =
  | { step: Extract<StepResult, { kind: 'complete' | 'failed' | 'error' }>; node: IronicNode }
  | { step: { kind: 'requeue'; afterMs: number; reason: string }; node: IronicNode };

/** A fresh carry for an operation starting now. */
export function startCarry(operation: NodeOperation, now: number): NodeCarry {
  return { operation, startedAt: now, issued: [], polls: 0, seen: '', created: false, writes: 0 };
}

/** The previous pass's carry, copied for this pass to change; a new one for a first pass. */
function carryOn(operation: NodeOperation, carried: NodeCarry | undefined, now: number): NodeCarry {
  return carried ? { ...carried, issued: [...carried.issued] } : startCarry(operation, now);
}

/**
 * One pass of the state table over a node as just read: re-decide at once after a write
 * that returned the node (a patch), then take the table's one step. A step that leaves
 * Ironic working (continue / update) becomes "look again after N ms", with the back-off
 * carried in `carry` (mutated): the base interval for the first polls in a state, then ×1.5
 * up to the cap. Past the operation's timeout (from carry.startedAt) it is a retryable error.
 */
async function runPass<C extends StepContext>(
  first: IronicNode,
  loop: Loop<C>,
  carry: NodeCarry,
): Promise<PassOutcome> {
  const { ctx, table, opts, name, progress } = loop;
  let node = first;
  let step: StepResult;
  for (;;) {
    const where = `${node.provision_state}|${node.target_provision_state ?? ''}`;
    if (where !== carry.seen) {
      carry.seen = where;
      carry.delayMs = opts.pollIntervalMs;
      carry.polls = 0;
      progress?.({ node: name, state: node.provision_state });
    }
    const pre = loop.before ? await loop.before(node) : undefined;
    if (pre && 'kind' in pre) step = pre;
    else if (pre) {
      node = pre; // the node as the write returned it: take the next decision at once
      continue;
    } else {
      step = await handlerFor(table, node)(node, ctx);
    }
    break;
  }
  if (step.kind === 'complete' || step.kind === 'failed' || step.kind === 'error') return { step, node };
  let delay = carry.delayMs ?? opts.pollIntervalMs;
  if (step.kind === 'update') {
    progress?.({ node: name, state: node.provision_state, message: `${step.action} requested` });
    delay = opts.pollIntervalMs;
  }
  if (opts.now() - carry.startedAt > opts.timeoutMs) {
    const err = node.last_error ? `; last_error: ${ctx.redact(node.last_error)}` : '';
    return {
      node,
      step: {
        kind: 'error',
        retryable: true,
        message:
          `node ${name}: still "${node.provision_state}" (target "${node.target_provision_state ?? 'none'}") ` +
          `after ${Math.round(opts.timeoutMs / 1000)} s${err}`,
      },
    };
  }
  // Poll at the base interval a few times (fake and fast transitions finish in well
  // under a second), then back off ×1.5 up to the cap (a real deploy takes minutes).
  carry.delayMs = delay;
  if (step.kind === 'continue' && ++carry.polls >= FAST_POLLS) {
    carry.delayMs = Math.min(opts.maxPollIntervalMs, Math.ceil(delay * 1.5));
  }
  const reason = step.kind === 'update' ? `${step.action} requested` : step.reason;
  return { node, step: { kind: 'requeue', afterMs: delay, reason } };
}

/** Pass after pass, sleeping between them, until the operation is complete, failed or errored. */
export async function drive(
  pass: (carry: NodeCarry | undefined) => Promise<NodePass>,
  sleep: Sleep,
): Promise<NodeResult> {
  let carry: NodeCarry | undefined;
  for (;;) {
    const r = await pass(carry);
    if (r.kind !== 'requeue') return r;
    carry = r.carry;
    try {
      await sleep(r.afterMs);
    } catch (err) {
      return toResult(err);
    }
  }
}

function baseContext(opts: ReconcileOptions, minor: number, name: string, secrets: () => string[]): StepContext {
  return {
    api: opts.api,
    minor,
    issued: [],
    wrote: (action) => opts.onWrite?.(name, action),
    redact: redactor(secrets),
  };
}

/** Find a node by name, then by the boot MAC's port. */
async function findNode(api: IronicApi, spec: NodeSpec): Promise<IronicNode | undefined> {
  const byName = await api.getNode(spec.name);
  if (byName) return byName;
  if (!spec.bootMACAddress) return undefined;
  const ports = await api.portsByAddress(spec.bootMACAddress);
  for (const port of ports) {
    const node = await api.getNode(port.node_uuid);
    if (node) return node;
  }
  return undefined;
}

/**
 * Ask Ironic for the node's boot device, which it reads from the BMC: a refusal (bad
 * credentials, no answer) fails the node with BmcVerificationFailed. The node keeps the new
 * settings (Ironic shows no password to put the old one back), but not the digests that say they
 * are applied, so the next apply patches and checks again.
 */
async function verifyBmc(api: IronicApi, node: IronicNode, ctx: EnsureContext): Promise<StepResult | undefined> {
  try {
    await api.getBootDevice(node.uuid);
    return undefined;
  } catch (err) {
    if (!(err instanceof IronicError) || err.kind !== 'http') throw err;
    await api.patchNode(node.uuid, [
      { op: 'remove', path: '/extra/slipway_digest' },
      { op: 'remove', path: '/extra/slipway_bmc' },
    ]);
    ctx.wrote('patch');
    return {
      kind: 'failed',
      message: ctx.redact(
        `BmcVerificationFailed: node ${ctx.spec.name}: the BMC did not accept the node's new BMC settings ` +
          `(Ironic: ${err.ironicMessage ?? err.message}); the node stays "${node.provision_state}" with them, ` +
          'marked as not applied, so the next apply tries again',
      ),
    };
  }
}

export function ensureNode(spec: NodeSpec, opts: ReconcileOptions, progress?: NodeProgress): Promise<NodeResult> {
  return drive((carry) => ensurePass(spec, opts, carry, progress), opts.sleep);
}

export function removeNode(name: string, opts: ReconcileOptions, progress?: NodeProgress): Promise<NodeResult> {
  return drive((carry) => removePass(name, opts, carry, progress), opts.sleep);
}

const requeue = (afterMs: number, reason: string, carry: NodeCarry, node?: IronicNode, macs?: string[]): NodePass => {
  const out: NodePass = { kind: 'requeue', afterMs, reason, carry };
  if (node) out.node = observe(node, macs);
  return out;
};

const disappeared = (name: string): NodeResult => ({
  kind: 'error',
  retryable: true,
  message: `node ${name} disappeared from Ironic`,
});

/**
 * One pass of ensure: find (or create) the node, keep its fields in line with the spec,
 * take one step of the table. Complete, failed and error are final; requeue says when to
 * look again, with the carry to pass back (the operation's start, the actions it issued).
 */
export async function ensurePass(
  spec: NodeSpec,
  opts: ReconcileOptions,
  carried: NodeCarry | undefined,
  progress?: NodeProgress,
): Promise<NodePass> {
  const { api } = opts;
  const carry = carryOn('ensure', carried, opts.now());
  let credentials: BmcCredentials | undefined = spec.bmc.credentials;
  let desired: DesiredNode | undefined;
  const countingOpts: ReconcileOptions = {
    ...opts,
    onWrite: (n, a) => {
      carry.writes += 1;
      opts.onWrite?.(n, a);
    },
  };
  const getDesired = async (): Promise<DesiredNode> => {
    if (desired) return desired;
    if (!credentials && needsCredentials(spec.bmc.address)) {
      const ref = spec.bmc.credentialsSecretRef;
      if (!ref) throw new SpecError(`node ${spec.name}: the BMC needs credentials and the spec gives none`);
      if (!opts.resolveCredentials) {
        throw new SpecError(`node ${spec.name}: credentials are a Secret reference but no resolver was configured`);
      }
      credentials = await opts.resolveCredentials(ref);
    }
    desired = desiredNode(spec, credentials);
    return desired;
  };
  try {
    // Reject a bad address before touching Ironic (no credentials needed to check it).
    bmcDriver(spec.bmc.address, { username: '-', password: '-' });
    if (spec.target === 'active' && !spec.image) {
      throw new SpecError(`node ${spec.name}: target "active" needs an image`);
    }
    const minor = await api.client.version();
    // A later pass of an operation: the credentials an earlier pass read (the driver keeps
    // them), so a password Ironic echoes in last_error is masked on every pass.
    if (carried && spec.bmc.credentialsSecretRef && opts.resolveCredentials) await getDesired();
    const ctx: EnsureContext = {
      ...baseContext(countingOpts, minor, spec.name, () => (credentials ? [credentials.password] : [])),
      issued: carry.issued,
      spec,
    };
    const mac = spec.bootMACAddress?.toLowerCase();
    let node = await findNode(api, spec);
    let macs: string[];
    if (!node) {
      if (carried && carry.seen) return disappeared(spec.name);
      const d = await getDesired();
      try {
        node = await api.createNode(createBody(spec, d));
        carry.created = true;
        ctx.wrote('create');
      } catch (err) {
        // Someone created it between our look and our create: use theirs, never a second node.
        if (!(err instanceof IronicError && err.status === 409)) throw err;
        node = await api.getNode(spec.name);
        if (!node) throw err;
      }
      macs = carry.created ? [] : (await api.portsOfNode(node.uuid)).map((p) => p.address.toLowerCase());
    } else {
      macs = (await api.portsOfNode(node.uuid)).map((p) => p.address.toLowerCase());
    }
    const createPortIfMissing = async (n: IronicNode): Promise<IronicNode | undefined> => {
      if (!mac || macs.includes(mac)) return undefined;
      const body: Record<string, unknown> = { address: mac, node_uuid: n.uuid, pxe_enabled: true };
      if (supports(minor, 'portName')) body.name = `${spec.name}-boot`;
      await api.createPort(body);
      macs.push(mac);
      ctx.wrote('create-port');
      return n;
    };
    const { step, node: last } = await runPass(
      node,
      {
        ctx,
        table: ENSURE_TABLE,
        opts: countingOpts,
        name: spec.name,
        progress,
        before: async (n) => {
          const pre = precheck(n, spec);
          if (pre) return pre;
          if (!isStable(n)) return undefined;
          if (needsSync(n, spec)) {
            const d = await getDesired();
            const patched = await api.patchNode(n.uuid, syncPatch(n, spec, d));
            ctx.wrote('patch');
            progress?.({ node: spec.name, state: n.provision_state, message: 'node fields updated' });
            // In enroll, `manage` verifies the BMC; past it, Ironic takes new BMC settings unchecked.
            if (n.provision_state !== 'enroll' && bmcChanged(n, d)) {
              const refused = await verifyBmc(api, patched, ctx);
              if (refused) return refused;
            }
            return patched;
          }
          return createPortIfMissing(n);
        },
      },
      carry,
    );
    if (step.kind === 'requeue') return requeue(step.afterMs, step.reason, carry, last, macs);
    let final = last;
    if (
      step.kind === 'complete' &&
      last.provision_state === 'active' &&
      last.extra?.[SLIPWAY_DEPLOYED] !== spec.digest
    ) {
      // Remember that Slipway deployed it with this digest: found undeployed later, it is drift, not work.
      final = await api.patchNode(last.uuid, [
        { op: 'add', path: pointer('extra', SLIPWAY_DEPLOYED), value: spec.digest },
      ]);
      ctx.wrote('patch');
    }
    const observed = observe(final, macs);
    if (step.kind === 'complete')
      return { kind: 'complete', node: observed, created: carry.created, changed: carry.writes > 0 };
    if (step.kind === 'failed') return { kind: 'failed', node: observed, message: step.message };
    return step;
  } catch (err) {
    return toResult(err);
  }
}

/** One pass of remove: undeploy when deployed, then delete. */
export async function removePass(
  name: string,
  opts: ReconcileOptions,
  carried: NodeCarry | undefined,
  progress?: NodeProgress,
): Promise<NodePass> {
  const { api } = opts;
  const carry = carryOn('remove', carried, opts.now());
  try {
    const minor = await api.client.version();
    const node = await api.getNode(name);
    if (!node) {
      if (carried && carry.seen) return disappeared(name);
      return { kind: 'complete', node: absentNode(name), created: false, changed: false };
    }
    const ctx: StepContext = { ...baseContext(opts, minor, name, () => []), issued: carry.issued };
    const { step, node: last } = await runPass(node, { ctx, table: REMOVE_TABLE, opts, name, progress }, carry);
    if (step.kind === 'requeue') return requeue(step.afterMs, step.reason, carry, last);
    const observed = observe(last);
    if (step.kind === 'complete') {
      progress?.({ node: name, state: DELETED });
      return {
        kind: 'complete',
        node: { ...observed, provisionState: DELETED, targetProvisionState: null },
        created: false,
        changed: true,
      };
    }
    if (step.kind === 'failed') return { kind: 'failed', node: observed, message: step.message };
    return step;
  } catch (err) {
    return toResult(err);
  }
}

/**
 * One pass of power-on: ask Ironic once, then watch target_power_state until the BMC has
 * done it. A node still off with no change pending after the request has failed (last_error).
 */
export async function powerOnPass(
  name: string,
  opts: ReconcileOptions,
  carried: NodeCarry | undefined,
  progress?: NodeProgress,
): Promise<NodePass> {
  const { api } = opts;
  const carry = carryOn('power-on', carried, opts.now());
  try {
    const node = await api.getNode(name);
    if (!node) return disappeared(name);
    carry.seen ||= 'power';
    if (node.power_state === 'power on' && !node.target_power_state)
      return { kind: 'complete', node: observe(node), created: false, changed: carry.writes > 0 };
    if (opts.now() - carry.startedAt > opts.timeoutMs)
      return {
        kind: 'error',
        retryable: true,
        message: `node ${name}: still "${node.power_state}" after ${Math.round(opts.timeoutMs / 1000)} s of power on`,
      };
    if (node.target_power_state)
      return requeue(opts.pollIntervalMs, `${node.power_state} → ${node.target_power_state}`, carry, node);
    if (carry.issued.includes('power on'))
      return {
        kind: 'failed',
        node: observe(node),
        message: `node ${name} did not power on: ${node.last_error ?? 'Ironic gave no last_error'}`,
      };
    await api.setPowerState(node.uuid, 'power on');
    carry.issued.push('power on');
    carry.writes += 1;
    opts.onWrite?.(name, 'power on');
    progress?.({ node: name, state: node.provision_state, message: 'power on requested' });
    return requeue(opts.pollIntervalMs, 'power on requested', carry, node);
  } catch (err) {
    return toResult(err);
  }
}

/** One pass of leave-maintenance: lift the maintenance Slipway set, never one a person set. */
export async function leaveMaintenancePass(
  name: string,
  opts: ReconcileOptions,
  _carried: NodeCarry | undefined,
): Promise<NodePass> {
  // One write, done in one pass: nothing to carry.
  const { api } = opts;
  try {
    const node = await api.getNode(name);
    if (!node) return disappeared(name);
    const seen = observe(node);
    if (!node.maintenance) return { kind: 'complete', node: seen, created: false, changed: false };
    if (!seen.maintenanceBySlipway)
      return {
        kind: 'failed',
        node: seen,
        message: `node ${name} is in maintenance set outside Slipway${node.maintenance_reason ? `: ${node.maintenance_reason}` : ''}; Slipway leaves it to whoever set it`,
      };
    await api.clearMaintenance(node.uuid);
    opts.onWrite?.(name, 'maintenance off');
    const after = await api.patchNode(node.uuid, [{ op: 'remove', path: pointer('extra', SLIPWAY_MAINTENANCE) }]);
    opts.onWrite?.(name, 'patch');
    return { kind: 'complete', node: observe(after), created: false, changed: true };
  } catch (err) {
    return toResult(err);
  }
}
