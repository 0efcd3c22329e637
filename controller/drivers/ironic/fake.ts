// An in-memory IronicDriver for the workflow's unit tests: the same transitions as the
// real driver (enroll → manageable → [inspect] → available → [active]), instantly, with
// every call and every write recorded. Failures and outages can be injected. With
// `deployMs`, `pass` deploys like a real machine: the node sits in `deploying` until the
// (injected) clock has moved on that far, and each pass until then asks to be requeued.

import type { IronicDriver, NodeCarry, NodePass, NodeProgress, NodeResult, NodeSpec, ObservedNode } from '../types.js';
import { absentNode } from './api.js';
import { type BmcAddressError, bmcDriver, needsCredentials } from './bmc.js';

export type FakeFailureState = 'enroll' | 'inspect failed' | 'clean failed' | 'deploy failed';

export interface FakeCall {
  op: 'list' | 'ensure' | 'remove' | 'pass';
  name?: string;
  /** pass: the operation. */
  operation?: string;
}

export interface FakeIronicOptions {
  /** How long a deploy takes in `pass` (default 0: instant, like `ensure`). */
  deployMs?: number;
  /** The clock `deployMs` is measured on (default Date.now). */
  now?: () => number;
  /** The requeue delay a pass asks for while a deploy runs (default 1000 ms, at most what is left). */
  pollMs?: number;
}

export interface FakeIronicDriver extends IronicDriver {
  /** Write requests the real driver would have made (create, patch, port, actions, delete). */
  readonly writes: number;
  readonly calls: readonly FakeCall[];
  /** A copy of the node as stored, or undefined. */
  node(name: string): ObservedNode | undefined;
  /** The next ensure of `name` fails when it reaches `state`, with Ironic-style `lastError`. */
  failNext(name: string, state: FakeFailureState, lastError: string): void;
  /** While set, every call returns a retryable error as if Ironic were down. */
  setUnreachable(down: boolean): void;
  /** Put a node in place as if someone had enrolled it before. */
  seed(node: Partial<ObservedNode> & { name: string }): void;
  /** Change a stored node as someone outside Slipway would (maintenance, power, provision state). */
  edit(name: string, fields: Partial<ObservedNode>): void;
  /** Forget the call log and the write count (nodes are kept). */
  resetCounters(): void;
}

interface Stored {
  node: ObservedNode;
  inspected: boolean;
  /** While deploying in `pass`: when the deploy ends (clock ms). */
  deployDoneAt?: number;
}

export function createFakeIronicDriver(options: FakeIronicOptions = {}): FakeIronicDriver {
  const now = options.now ?? Date.now;
  const deployMs = options.deployMs ?? 0;
  const pollMs = options.pollMs ?? 1000;
  const nodes = new Map<string, Stored>();
  const failures = new Map<string, { state: FakeFailureState; lastError: string }>();
  const calls: FakeCall[] = [];
  let writes = 0;
  let down = false;
  let seq = 0;

  const uuid = () => `00000000-0000-4000-8000-${(++seq).toString(16).padStart(12, '0')}`;
  const copy = (n: ObservedNode): ObservedNode => ({ ...n, macs: [...n.macs] });
  const unreachable = (): NodeResult => ({
    kind: 'error',
    retryable: true,
    message: 'Ironic at fake:// is unreachable (ECONNREFUSED) after 10 attempts',
  });

  function findByNameOrMac(spec: NodeSpec): Stored | undefined {
    const byName = nodes.get(spec.name);
    if (byName) return byName;
    const mac = spec.bootMACAddress?.toLowerCase();
    if (!mac) return undefined;
    for (const [key, s] of nodes) {
      if (s.node.macs.includes(mac)) {
        nodes.delete(key);
        return s;
      }
    }
    return undefined;
  }

  function move(s: Stored, state: string, progress: NodeProgress | undefined, action?: string): void {
    if (action) {
      writes += 1;
      progress?.({ node: s.node.name, state: s.node.provisionState, message: `${action} requested` });
    }
    s.node.provisionState = state;
    progress?.({ node: s.node.name, state });
  }

  /** Apply an action; true when it failed as injected. */
  function step(s: Stored, action: string, next: string, failAs: FakeFailureState, progress?: NodeProgress): boolean {
    const f = failures.get(s.node.name);
    if (f && f.state === failAs) {
      failures.delete(s.node.name);
      move(s, f.state, progress, action);
      s.node.lastError = f.lastError;
      return true;
    }
    move(s, next, progress, action);
    s.node.lastError = null;
    return false;
  }

  async function ensure(spec: NodeSpec, progress?: NodeProgress): Promise<NodeResult> {
    calls.push({ op: 'ensure', name: spec.name });
    if (down) return unreachable();
    try {
      bmcDriver(spec.bmc.address, { username: '-', password: '-' });
    } catch (err) {
      return { kind: 'error', retryable: false, message: (err as BmcAddressError).message };
    }
    if (needsCredentials(spec.bmc.address) && !spec.bmc.credentials && !spec.bmc.credentialsSecretRef) {
      return {
        kind: 'error',
        retryable: false,
        message: `node ${spec.name}: the BMC needs credentials and the spec gives none`,
      };
    }
    const before = writes;
    let created = false;
    let s = findByNameOrMac(spec);
    const mac = spec.bootMACAddress?.toLowerCase();
    if (!s) {
      s = {
        inspected: false,
        node: {
          uuid: uuid(),
          name: spec.name,
          driver: bmcDriver(spec.bmc.address, { username: '-', password: '-' }).driver,
          provisionState: 'enroll',
          targetProvisionState: null,
          powerState: 'power off',
          maintenance: false,
          lastError: null,
          digest: spec.digest,
          ...(spec.site ? { site: spec.site } : {}),
          macs: mac ? [mac] : [],
        },
      };
      writes += mac ? 2 : 1; // node + port
      created = true;
    } else if (s.node.digest !== spec.digest || s.node.name !== spec.name) {
      writes += 1; // one PATCH
      s.node.digest = spec.digest;
      s.node.name = spec.name;
      if (spec.site) s.node.site = spec.site;
      s.node.driver = bmcDriver(spec.bmc.address, { username: '-', password: '-' }).driver;
    }
    if (mac && !s.node.macs.includes(mac)) {
      s.node.macs.push(mac);
      writes += 1;
    }
    nodes.set(spec.name, s);
    progress?.({ node: spec.name, state: s.node.provisionState });
    const n = s.node;
    const failed = (): NodeResult => ({
      kind: 'failed',
      node: copy(n),
      message: n.lastError ?? `node is ${n.provisionState}`,
    });

    if (n.provisionState === 'active' && spec.target !== 'active') {
      return {
        kind: 'failed',
        node: copy(n),
        message: `node ${spec.name} is deployed (active) but the spec has no image: Slipway does not undeploy it without --prune`,
      };
    }
    // Recover from failed states left by an earlier run, as the real driver does.
    if (n.provisionState === 'inspect failed' || n.provisionState === 'clean failed')
      move(s, 'manageable', progress, 'manage');
    if (n.provisionState === 'deploy failed' && spec.target !== 'active') move(s, 'available', progress, 'deleted');
    if (n.provisionState === 'enroll' && step(s, 'manage', 'manageable', 'enroll', progress)) return failed();
    if (n.provisionState === 'manageable' && spec.inspect && !s.inspected) {
      if (step(s, 'inspect', 'manageable', 'inspect failed', progress)) return failed();
      s.inspected = true;
    }
    if (n.provisionState === 'manageable' && step(s, 'provide', 'available', 'clean failed', progress)) return failed();
    if ((n.provisionState === 'available' || n.provisionState === 'deploy failed') && spec.target === 'active') {
      if (step(s, 'active', 'active', 'deploy failed', progress)) return failed();
      n.powerState = 'power on';
    }
    if (n.provisionState === 'active' && n.deployedDigest !== spec.digest) {
      n.deployedDigest = spec.digest;
      writes += 1;
    }
    return { kind: 'complete', node: copy(n), created, changed: writes > before };
  }

  const carryFor = (operation: NodeCarry['operation'], c: NodeCarry | undefined): NodeCarry =>
    c ?? { operation, startedAt: now(), issued: [], polls: 0, seen: '', created: false, writes: 0 };

  /** ensure, one pass: with deployMs, a deploy is started and then checked until the clock says it is done. */
  async function ensurePass(spec: NodeSpec, carry: NodeCarry, progress?: NodeProgress): Promise<NodePass> {
    const before = writes;
    if (deployMs > 0 && spec.target === 'active') {
      let s = nodes.get(spec.name);
      const state = s?.node.provisionState;
      if (!s || s.node.digest !== spec.digest || (state !== 'deploying' && state !== 'active')) {
        // Everything up to available as ensure does it (instantly), then the deploy starts.
        const upTo = await ensure({ ...spec, target: 'available' }, progress);
        if (upTo.kind !== 'complete') return upTo;
        s = nodes.get(spec.name)!;
        if (s.node.provisionState !== 'available' || failures.has(s.node.name)) return ensure(spec, progress);
        const n = s.node;
        writes += 1;
        n.provisionState = 'deploying';
        n.targetProvisionState = 'active';
        s.deployDoneAt = now() + deployMs;
        progress?.({ node: n.name, state: 'available', message: 'active requested' });
        return {
          kind: 'requeue',
          afterMs: Math.min(pollMs, deployMs),
          reason: 'active requested',
          carry: {
            ...carry,
            issued: [...carry.issued, 'active'],
            seen: 'deploying|active',
            created: carry.created || upTo.created,
            writes: carry.writes + (writes - before),
          },
          node: copy(n),
        };
      }
      const n = s.node;
      if (n.provisionState === 'deploying') {
        const left = (s.deployDoneAt ?? 0) - now();
        if (left > 0)
          return {
            kind: 'requeue',
            afterMs: Math.min(pollMs, left),
            reason: 'deploying → active',
            carry: { ...carry, seen: 'deploying|active' },
            node: copy(n),
          };
        finishDeploy(s);
        progress?.({ node: n.name, state: 'active' });
      }
    }
    const r = await ensure(spec, progress);
    if (r.kind !== 'complete') return r;
    return { ...r, created: r.created || carry.created, changed: r.changed || carry.writes > 0 || writes > before };
  }

  /** A deploy ends on the fake's clock whether or not a pass looks, as a real machine's does. */
  function finishDeploy(s: { node: ObservedNode; deployDoneAt?: number }): void {
    delete s.deployDoneAt;
    s.node.provisionState = 'active';
    s.node.targetProvisionState = null;
    s.node.powerState = 'power on';
  }
  const settleDeploys = () => {
    for (const s of nodes.values())
      if (s.node.provisionState === 'deploying' && s.deployDoneAt !== undefined && s.deployDoneAt <= now())
        finishDeploy(s);
  };

  async function pass(
    spec: NodeSpec,
    operation: NodeCarry['operation'],
    c?: NodeCarry,
    progress?: NodeProgress,
  ): Promise<NodePass> {
    calls.push({ op: 'pass', name: spec.name, operation });
    if (down) return unreachable();
    const carry = carryFor(operation, c);
    if (operation === 'ensure') return ensurePass(spec, carry, progress);
    if (operation === 'remove') return remove(spec.name, progress);
    const s = nodes.get(spec.name);
    if (!s) return { kind: 'error', retryable: true, message: `node ${spec.name} disappeared from Ironic` };
    const n = s.node;
    if (operation === 'power-on') {
      if (n.powerState !== 'power on') {
        n.powerState = 'power on';
        writes += 1;
        return { kind: 'complete', node: copy(n), created: false, changed: true };
      }
      return { kind: 'complete', node: copy(n), created: false, changed: false };
    }
    // leave-maintenance
    if (!n.maintenance) return { kind: 'complete', node: copy(n), created: false, changed: false };
    if (!n.maintenanceBySlipway)
      return {
        kind: 'failed',
        node: copy(n),
        message: `node ${n.name} is in maintenance set outside Slipway; Slipway leaves it to whoever set it`,
      };
    n.maintenance = false;
    n.maintenanceReason = null;
    delete n.maintenanceBySlipway;
    writes += 2;
    return { kind: 'complete', node: copy(n), created: false, changed: true };
  }

  async function remove(name: string, progress?: NodeProgress): Promise<NodeResult> {
    calls.push({ op: 'remove', name });
    if (down) return unreachable();
    const s = nodes.get(name);
    if (!s) {
      return { kind: 'complete', node: absentNode(name), created: false, changed: false };
    }
    if (['active', 'deploy failed', 'error'].includes(s.node.provisionState)) move(s, 'available', progress, 'deleted');
    if (['inspect failed', 'clean failed'].includes(s.node.provisionState)) move(s, 'manageable', progress, 'manage');
    writes += 1;
    nodes.delete(name);
    progress?.({ node: name, state: 'deleted' });
    return { kind: 'complete', node: { ...copy(s.node), provisionState: 'deleted' }, created: false, changed: true };
  }

  return {
    get writes() {
      return writes;
    },
    calls,
    async list() {
      calls.push({ op: 'list' });
      if (down) throw new Error('Ironic at fake:// is unreachable (ECONNREFUSED) after 10 attempts');
      settleDeploys();
      return [...nodes.values()].map((s) => copy(s.node));
    },
    ensure,
    remove,
    pass,
    node: (name) => {
      const s = nodes.get(name);
      return s ? copy(s.node) : undefined;
    },
    failNext(name, state, lastError) {
      failures.set(name, { state, lastError });
    },
    setUnreachable(d) {
      down = d;
    },
    seed(partial) {
      const node: ObservedNode = {
        uuid: uuid(),
        driver: 'fake-hardware',
        provisionState: 'enroll',
        targetProvisionState: null,
        powerState: 'power off',
        maintenance: false,
        lastError: null,
        macs: [],
        ...partial,
      };
      nodes.set(node.name, { node, inspected: false });
    },
    edit(name, fields) {
      const s = nodes.get(name);
      if (!s) throw new Error(`fake Ironic: no node ${name}`);
      Object.assign(s.node, fields);
    },
    resetCounters() {
      writes = 0;
      calls.splice(0, calls.length);
    },
  };
}
