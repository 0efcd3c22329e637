// A tiny in-memory Ironic behind a fetch function, for the driver's unit tests (like
// BMO's ironic/testserver). It models the node and port resources and the provision
// state machine closely enough for the driver: an action moves the node into Ironic's
// intermediate state, and the next GET finishes the transition. Faults can be injected.
import type { FetchLike } from './client.js';

export interface ServerNode {
  uuid: string;
  name: string | null;
  driver: string;
  provision_state: string;
  target_provision_state: string | null;
  power_state: string | null;
  maintenance: boolean;
  maintenance_reason?: string | null;
  last_error: string | null;
  extra: Record<string, unknown>;
  driver_info: Record<string, unknown>;
  properties: Record<string, unknown>;
  instance_info: Record<string, unknown>;
  inspection_finished_at: string | null;
  [field: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  version: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** Ironic's transitions: action → from-states → [intermediate, final]. */
const TRANSITIONS: Record<string, { from: string[]; via: string | null; to: string }> = {
  manage: { from: ['enroll', 'available', 'inspect failed', 'clean failed'], via: 'verifying', to: 'manageable' },
  inspect: { from: ['manageable'], via: 'inspecting', to: 'manageable' },
  provide: { from: ['manageable'], via: 'cleaning', to: 'available' },
  active: { from: ['available', 'deploy failed'], via: 'deploying', to: 'active' },
  deleted: { from: ['active', 'deploy failed', 'error', 'wait call-back'], via: 'deleting', to: 'available' },
  abort: { from: ['wait call-back'], via: null, to: 'deploy failed' },
  unhold: { from: ['clean hold', 'deploy hold'], via: 'cleaning', to: 'available' },
};

export interface TestServer {
  fetch: FetchLike;
  nodes: Map<string, ServerNode>;
  ports: { uuid: string; address: string; node_uuid: string; name?: string }[];
  requests: RecordedRequest[];
  writes(): RecordedRequest[];
  /** The next `action` on node `name` ends in `state` with `lastError`. */
  failOn(name: string, action: string, state: string, lastError: string): void;
  /** Answer the next n requests with a refused connection / 503 / 409 locked. */
  refuse(n: number): void;
  unavailable(n: number): void;
  locked(n: number): void;
  /** A node put in place directly. */
  addNode(partial: Partial<ServerNode> & { name: string }): ServerNode;
  /** Nodes stay in their intermediate state (e.g. wait call-back) instead of finishing. */
  stick(state: string): void;
  /** Power changes of node `name` end without effect, with `lastError` (undefined: they work again). */
  refusePower(name: string, lastError: string | undefined): void;
  /** Reads of node `name`'s boot device (which Ironic makes at the BMC) answer HTTP 500 with `fault`; undefined: they succeed again. */
  refuseBmc(name: string, fault: string | undefined): void;
}

export function createTestServer(opts: { maxVersion?: string } = {}): TestServer {
  const nodes = new Map<string, ServerNode>();
  const ports: TestServer['ports'] = [];
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, { action: string; state: string; lastError: string }>();
  const pending = new Map<string, { to: string; fail?: { state: string; lastError: string } }>();
  const sticky = new Set<string>();
  const bmcFaults = new Map<string, string>();
  const powerRefused = new Map<string, string>();
  let refuse = 0;
  let unavailable = 0;
  let locked = 0;
  let seq = 0;

  const json = (status: number, body?: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', 'X-OpenStack-Request-Id': `req-${requests.length}` },
    });
  const fault = (status: number, text: string) =>
    json(status, { error_message: JSON.stringify({ faultstring: text, debuginfo: null }) });
  const find = (ident: string) => nodes.get(ident) ?? [...nodes.values()].find((n) => n.name === ident);

  function finish(n: ServerNode): void {
    const p = pending.get(n.uuid);
    if (!p || sticky.has(n.provision_state)) return;
    pending.delete(n.uuid);
    if (p.fail) {
      n.provision_state = p.fail.state;
      n.last_error = p.fail.lastError;
    } else {
      if (n.provision_state === 'inspecting') n.inspection_finished_at = new Date(0).toISOString();
      n.provision_state = p.to;
      n.last_error = null;
    }
    n.target_provision_state = null;
  }

  function addNode(partial: Partial<ServerNode> & { name: string }): ServerNode {
    const uuid = `11111111-2222-4333-8444-${(++seq).toString(16).padStart(12, '0')}`;
    const node: ServerNode = {
      uuid,
      driver: 'fake-hardware',
      provision_state: 'enroll',
      target_provision_state: null,
      power_state: null,
      maintenance: false,
      last_error: null,
      extra: {},
      driver_info: {},
      properties: {},
      instance_info: {},
      inspection_finished_at: null,
      ...partial,
    };
    nodes.set(uuid, node);
    return node;
  }

  function patch(n: ServerNode, ops: { op: string; path: string; value?: unknown }[]): void {
    for (const op of ops) {
      const parts = op.path
        .split('/')
        .slice(1)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      let target: Record<string, unknown> = n;
      for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
      const last = parts[parts.length - 1]!;
      if (op.op === 'remove') delete target[last];
      else target[last] = op.value;
    }
  }

  function provision(n: ServerNode, body: { target: string; configdrive?: unknown }): Response {
    const t = TRANSITIONS[body.target];
    if (!t?.from.includes(n.provision_state) || n.target_provision_state) {
      return fault(
        400,
        `The requested action "${body.target}" can not be performed on node "${n.uuid}" while it is in state "${n.provision_state}".`,
      );
    }
    if (body.configdrive !== undefined) n.instance_info.configdrive = '******';
    const f = failures.get(n.name ?? '');
    const fail = f && f.action === body.target ? { state: f.state, lastError: f.lastError } : undefined;
    if (fail) failures.delete(n.name ?? '');
    if (t.via === null) {
      n.provision_state = t.to;
      return json(202);
    }
    n.provision_state = body.target === 'manage' && n.provision_state !== 'enroll' ? 'manageable' : t.via;
    n.target_provision_state = t.to === 'available' && body.target === 'deleted' ? 'available' : t.to;
    if (n.provision_state === 'manageable' && !fail) {
      n.target_provision_state = null;
      return json(202);
    }
    pending.set(n.uuid, fail ? { to: t.to, fail } : { to: t.to });
    return json(202);
  }

  async function handle(method: string, url: URL, body: unknown): Promise<Response> {
    const path = url.pathname;
    const q = url.searchParams;
    if (path === '/' && method === 'GET') {
      return json(200, { default_version: { id: 'v1', min_version: '1.1', version: opts.maxVersion ?? '1.115' } });
    }
    if (path === '/v1/nodes' && method === 'GET') {
      return json(200, { nodes: [...nodes.values()].map((n) => ({ ...n })) });
    }
    if (path === '/v1/nodes' && method === 'POST') {
      const b = body as Partial<ServerNode> & { name: string };
      if (find(b.name)) return fault(409, `A node with name ${b.name} already exists.`);
      return json(201, addNode({ ...b }));
    }
    if (path === '/v1/ports' && method === 'GET') {
      const address = q.get('address');
      const node = q.get('node_uuid');
      return json(200, {
        ports: ports.filter((p) => (!address || p.address === address) && (!node || p.node_uuid === node)),
      });
    }
    if (path === '/v1/ports' && method === 'POST') {
      const b = body as { address: string; node_uuid: string; name?: string };
      if (ports.some((p) => p.address === b.address))
        return fault(409, `A port with MAC address ${b.address} already exists.`);
      const port = { ...b, uuid: `port-${++seq}` };
      ports.push(port);
      return json(201, port);
    }
    const bd = /^\/v1\/nodes\/([^/]+)\/management\/boot_device$/.exec(path);
    if (bd && method === 'GET') {
      const n = find(decodeURIComponent(bd[1]!));
      if (!n) return fault(404, `Node ${decodeURIComponent(bd[1]!)} could not be found.`);
      const refused = bmcFaults.get(n.name ?? '');
      return refused ? fault(500, refused) : json(200, { boot_device: 'pxe', persistent: false });
    }
    const pw = /^\/v1\/nodes\/([^/]+)\/(states\/power|maintenance)$/.exec(path);
    if (pw) {
      const n = find(decodeURIComponent(pw[1]!));
      if (!n) return fault(404, `Node ${decodeURIComponent(pw[1]!)} could not be found.`);
      if (pw[2] === 'maintenance' && method === 'DELETE') {
        n.maintenance = false;
        n.maintenance_reason = null;
        return json(202);
      }
      if (pw[2] === 'states/power' && method === 'PUT') {
        if (n.target_power_state) return fault(409, `Node ${n.uuid} is locked by host test, please retry`);
        n.target_power_state = (body as { target: string }).target;
        return json(202);
      }
    }
    const m = /^\/v1\/nodes\/([^/]+)(\/states\/provision)?$/.exec(path);
    if (m) {
      const n = find(decodeURIComponent(m[1]!));
      if (!n) return fault(404, `Node ${decodeURIComponent(m[1]!)} could not be found.`);
      if (m[2] && method === 'PUT') return provision(n, body as { target: string });
      if (method === 'GET') {
        const shown = { ...n };
        finish(n);
        // A power change is done by the next look (unless the BMC is made to refuse it).
        const targetPower = n.target_power_state;
        if (typeof targetPower === 'string' && targetPower) {
          if (!powerRefused.has(n.name ?? '')) n.power_state = targetPower;
          else n.last_error = powerRefused.get(n.name ?? '') ?? null;
          n.target_power_state = null;
        }
        return json(200, shown);
      }
      if (method === 'PATCH') {
        patch(n, body as { op: string; path: string; value?: unknown }[]);
        return json(200, { ...n });
      }
      if (method === 'DELETE') {
        if (!['enroll', 'manageable', 'available', 'adopt failed'].includes(n.provision_state)) {
          return fault(400, `Can not delete node "${n.uuid}" while it is in provision state "${n.provision_state}".`);
        }
        nodes.delete(n.uuid);
        for (let i = ports.length - 1; i >= 0; i--) if (ports[i]!.node_uuid === n.uuid) ports.splice(i, 1);
        return json(204);
      }
    }
    return fault(404, `no route for ${method} ${path}`);
  }

  const fetchFn: FetchLike = async (input, init) => {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    requests.push({
      method,
      path: url.pathname + url.search,
      version: headers['X-OpenStack-Ironic-API-Version'],
      authorization: headers.Authorization,
      body,
    });
    if (refuse > 0) {
      refuse -= 1;
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    }
    if (unavailable > 0) {
      unavailable -= 1;
      return fault(503, 'Service Unavailable');
    }
    if (locked > 0 && method !== 'GET') {
      locked -= 1;
      return fault(
        409,
        'Node 1234 is locked by host slipway-e2e, please retry after the current operation is completed.',
      );
    }
    return handle(method, url, body);
  };

  return {
    fetch: fetchFn,
    nodes,
    ports,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    failOn: (name, action, state, lastError) => failures.set(name, { action, state, lastError }),
    refusePower: (name, text) => (text === undefined ? powerRefused.delete(name) : powerRefused.set(name, text)),
    refuseBmc: (name, text) => (text === undefined ? bmcFaults.delete(name) : bmcFaults.set(name, text)),
    refuse: (n) => void (refuse = n),
    unavailable: (n) => void (unavailable = n),
    locked: (n) => void (locked = n),
    addNode,
    stick: (state) => void sticky.add(state),
  };
}
