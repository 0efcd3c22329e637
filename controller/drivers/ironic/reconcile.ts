// The loops that drive one node with the state tables: find or create it, keep its
// fields in line with the spec (by digest), then step through the table, polling with
// back-off until the node is where it should be, has failed, or the time is up.
import type { BmcCredentials, NodeProgress, NodeResult, NodeSpec } from '../types.js';
import { absentNode, type IronicApi, type IronicNode, observe } from './api.js';
import { BmcAddressError, bmcDriver, needsCredentials } from './bmc.js';
import { IronicError, type Sleep } from './client.js';
import { bmcChanged, createBody, type DesiredNode, desiredNode, needsSync, syncPatch } from './desired.js';
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
  /** Runs before the table on every pass; may take the pass's one action. */
  before?: (node: IronicNode) => Promise<StepResult | IronicNode | undefined>;
}

/** Step until complete/failed/error. Resolves to the last step and the node as last seen. */
async function runLoop<C extends StepContext>(
  first: IronicNode,
  loop: Loop<C>,
): Promise<{ step: StepResult; node: IronicNode }> {
  const { ctx, table, opts, name, progress } = loop;
  const start = opts.now();
  let node = first;
  let delay = opts.pollIntervalMs;
  let polls = 0;
  let seen = '';
  for (;;) {
    const where = `${node.provision_state}|${node.target_provision_state ?? ''}`;
    if (where !== seen) {
      seen = where;
      delay = opts.pollIntervalMs;
      polls = 0;
      progress?.({ node: name, state: node.provision_state });
    }
    let step: StepResult | undefined;
    const pre = loop.before ? await loop.before(node) : undefined;
    if (pre && 'kind' in pre) step = pre;
    else if (pre) {
      node = pre; // the node as the write returned it: take the next decision at once
      continue;
    } else {
      step = await handlerFor(table, node)(node, ctx);
    }
    if (step.kind === 'complete' || step.kind === 'failed' || step.kind === 'error') return { step, node };
    if (step.kind === 'update') {
      progress?.({ node: name, state: node.provision_state, message: `${step.action} requested` });
      delay = opts.pollIntervalMs;
    }
    if (opts.now() - start > opts.timeoutMs) {
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
    await opts.sleep(delay);
    // Poll at the base interval a few times (fake and fast transitions finish in well
    // under a second), then back off ×1.5 up to the cap (a real deploy takes minutes).
    if (step.kind === 'continue' && ++polls >= FAST_POLLS) {
      delay = Math.min(opts.maxPollIntervalMs, Math.ceil(delay * 1.5));
    }
    const next = await ctx.api.getNode(node.uuid);
    if (!next)
      return { node, step: { kind: 'error', retryable: true, message: `node ${name} disappeared from Ironic` } };
    node = next;
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

export async function ensureNode(spec: NodeSpec, opts: ReconcileOptions, progress?: NodeProgress): Promise<NodeResult> {
  const { api } = opts;
  let credentials: BmcCredentials | undefined = spec.bmc.credentials;
  let desired: DesiredNode | undefined;
  let writes = 0;
  const countingOpts: ReconcileOptions = {
    ...opts,
    onWrite: (n, a) => {
      writes += 1;
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
    const ctx: EnsureContext = {
      ...baseContext(countingOpts, minor, spec.name, () => (credentials ? [credentials.password] : [])),
      spec,
    };
    const mac = spec.bootMACAddress?.toLowerCase();
    let created = false;
    let node = await findNode(api, spec);
    let macs: string[];
    if (!node) {
      const d = await getDesired();
      try {
        node = await api.createNode(createBody(spec, d));
        created = true;
        ctx.wrote('create');
      } catch (err) {
        // Someone created it between our look and our create: use theirs, never a second node.
        if (!(err instanceof IronicError && err.status === 409)) throw err;
        node = await api.getNode(spec.name);
        if (!node) throw err;
      }
      macs = created ? [] : (await api.portsOfNode(node.uuid)).map((p) => p.address.toLowerCase());
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
    const { step, node: last } = await runLoop(node, {
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
    });
    const observed = observe(last, macs);
    if (step.kind === 'complete') return { kind: 'complete', node: observed, created, changed: writes > 0 };
    if (step.kind === 'failed') return { kind: 'failed', node: observed, message: step.message };
    if (step.kind === 'error') return step;
    return { kind: 'error', retryable: true, message: `node ${spec.name}: stopped in an unexpected step` };
  } catch (err) {
    return toResult(err);
  }
}

export async function removeNode(name: string, opts: ReconcileOptions, progress?: NodeProgress): Promise<NodeResult> {
  const { api } = opts;
  try {
    const minor = await api.client.version();
    const node = await api.getNode(name);
    if (!node) {
      return { kind: 'complete', node: absentNode(name), created: false, changed: false };
    }
    const ctx = baseContext(opts, minor, name, () => []);
    const { step, node: last } = await runLoop(node, { ctx, table: REMOVE_TABLE, opts, name, progress });
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
    if (step.kind === 'error') return step;
    return { kind: 'error', retryable: true, message: `node ${name}: stopped in an unexpected step` };
  } catch (err) {
    return toResult(err);
  }
}
