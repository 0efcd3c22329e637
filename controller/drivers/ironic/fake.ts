// An in-memory IronicDriver for the workflow's unit tests: the same transitions as the
// real driver (enroll → manageable → [inspect] → available → [active]), instantly, with
// every call and every write recorded. Failures and outages can be injected.

import type { IronicDriver, NodeProgress, NodeResult, NodeSpec, ObservedNode } from '../types.js';
import { absentNode } from './api.js';
import { type BmcAddressError, bmcDriver, needsCredentials } from './bmc.js';

export type FakeFailureState = 'enroll' | 'inspect failed' | 'clean failed' | 'deploy failed';

export interface FakeCall {
  op: 'list' | 'ensure' | 'remove';
  name?: string;
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
  /** Forget the call log and the write count (nodes are kept). */
  resetCounters(): void;
}

interface Stored {
  node: ObservedNode;
  inspected: boolean;
}

export function createFakeIronicDriver(): FakeIronicDriver {
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
    return { kind: 'complete', node: copy(n), created, changed: writes > before };
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
      return [...nodes.values()].map((s) => copy(s.node));
    },
    ensure,
    remove,
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
    resetCounters() {
      writes = 0;
      calls.splice(0, calls.length);
    },
  };
}
