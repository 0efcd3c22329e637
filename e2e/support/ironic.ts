// A small typed client for the local Ironic (and its sushy-tools Redfish emulator
// and emulated IPMI BMCs) started by e2e/infra/ironic.sh, for end-to-end tests.
//
// Connection details come from e2e/.state/ironic.env (written by `ironic.sh up`),
// overridden by the process environment (IRONIC_URL, IRONIC_USERNAME, ...). When
// Ironic is not configured or does not answer, every entry point throws
// IronicNotUpError, whose message says to run `npm run infra:up`: tests fail
// loudly, they are never skipped.
//
// Node 20's global fetch; HTTP basic auth; every request carries the server's
// maximum API microversion (read once from `GET /`), unless the caller pins one.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const ironicEnvFile = path.join(repoRoot, 'e2e', '.state', 'ironic.env');

const HINT = 'run `npm run infra:up` (or `bash e2e/infra/ironic.sh up`) first';

export class IronicNotUpError extends Error {
  constructor(message: string) {
    super(`${message}\nIronic is not up: ${HINT}.`);
    this.name = 'IronicNotUpError';
  }
}

/** A non-2xx answer from Ironic (or the emulator), with Ironic's own error text. */
export class IronicApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url} -> HTTP ${status}: ${IronicApiError.describe(body)}`);
    this.name = 'IronicApiError';
  }

  private static describe(body: string): string {
    try {
      const parsed = JSON.parse(body) as { error_message?: string; error?: { message?: string } };
      // Ironic nests a JSON document in error_message: {"faultstring": ...}
      if (typeof parsed.error_message === 'string') {
        try {
          const inner = JSON.parse(parsed.error_message) as { faultstring?: string };
          if (inner.faultstring) return inner.faultstring;
        } catch {
          return parsed.error_message;
        }
      }
      if (parsed.error?.message) return parsed.error.message;
    } catch {
      // not JSON
    }
    return body.slice(0, 500);
  }
}

export interface BasicAuthEndpoint {
  url: string;
  username: string;
  password: string;
}

export interface SushyEnv extends BasicAuthEndpoint {
  /** Ids of the emulated systems, in /redfish/v1/Systems/<id>. */
  systemIds: string[];
}

export interface IpmiEnv {
  /** 127.0.0.1: the BMCs listen on UDP ports there. */
  address: string;
  /** One emulated BMC (one machine) per port. */
  ports: number[];
  username: string;
  password: string;
}

export interface IronicEnv {
  ironic: BasicAuthEndpoint;
  sushy: SushyEnv;
  /** Absent when the env file predates the IPMI emulator; see requireIpmi(). */
  ipmi: IpmiEnv | undefined;
}

/** Parse the `export NAME='value'` lines ironic.sh writes. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2]!.trim();
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    else if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    vars[m[1]!] = value;
  }
  return vars;
}

/** The connection details: e2e/.state/ironic.env, overridden by process.env. */
export function loadIronicEnv(file = ironicEnvFile): IronicEnv {
  const fromFile = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const lookup = (name: string): string | undefined => process.env[name] || fromFile[name];
  const get = (name: string): string => {
    const v = lookup(name);
    if (!v) {
      throw new IronicNotUpError(
        `${name} is not set (${existsSync(file) ? `${file} has no ${name}` : `${file} does not exist`}, nor the environment).`,
      );
    }
    return v;
  };
  return {
    ironic: { url: get('IRONIC_URL'), username: get('IRONIC_USERNAME'), password: get('IRONIC_PASSWORD') },
    sushy: {
      url: get('SUSHY_URL'),
      username: get('SUSHY_USERNAME'),
      password: get('SUSHY_PASSWORD'),
      systemIds: get('SUSHY_SYSTEM_IDS')
        .split(/[\s,]+/)
        .filter(Boolean),
    },
    ipmi: lookup('IPMI_PORTS')
      ? {
          address: get('IPMI_ADDRESS'),
          ports: get('IPMI_PORTS')
            .split(/[\s,]+/)
            .filter(Boolean)
            .map(Number),
          username: get('IPMI_USERNAME'),
          password: get('IPMI_PASSWORD'),
        }
      : undefined,
  };
}

/** The IPMI part of the env, or IronicNotUpError when it is missing. */
export function requireIpmi(env: IronicEnv): IpmiEnv {
  if (!env.ipmi) throw new IronicNotUpError('IPMI_PORTS is not set (the emulated IPMI BMCs are not up).');
  return env.ipmi;
}

// --- Ironic resources ------------------------------------------------------------

/** Provision states (Ironic's state machine); a string for any not listed. */
export type ProvisionState =
  | 'enroll'
  | 'verifying'
  | 'manageable'
  | 'inspecting'
  | 'inspect wait'
  | 'inspect failed'
  | 'cleaning'
  | 'clean wait'
  | 'clean failed'
  | 'clean hold'
  | 'available'
  | 'deploying'
  | 'wait call-back'
  | 'deploy failed'
  | 'deploy hold'
  | 'active'
  | 'deleting'
  | 'error'
  | 'rescuing'
  | 'rescue wait'
  | 'rescue failed'
  | 'rescue'
  | 'unrescuing'
  | 'unrescue failed'
  | 'adopting'
  | 'adopt failed'
  | 'servicing'
  | 'service wait'
  | 'service failed'
  | (string & {});

/** Targets accepted by PUT /v1/nodes/{node}/states/provision. */
export type ProvisionTarget =
  | 'manage'
  | 'provide'
  | 'inspect'
  | 'clean'
  | 'active'
  | 'deploy'
  | 'rebuild'
  | 'deleted'
  | 'undeploy'
  | 'abort'
  | 'adopt'
  | 'rescue'
  | 'unrescue'
  | 'service'
  | 'unhold';

export type PowerState = 'power on' | 'power off' | 'rebooting' | 'soft power off' | 'soft rebooting';
export type PowerTarget = PowerState;

/** The fields of an Ironic node the tests use; the API returns more. */
export interface IronicNode {
  uuid: string;
  name: string | null;
  driver: string;
  driver_info: Record<string, unknown>;
  provision_state: ProvisionState;
  target_provision_state: ProvisionState | null;
  power_state: PowerState | null;
  target_power_state: PowerState | null;
  maintenance: boolean;
  last_error: string | null;
  automated_clean: boolean | null;
  instance_info: Record<string, unknown>;
  properties: Record<string, unknown>;
  boot_interface: string;
  deploy_interface: string;
  power_interface: string;
  management_interface: string;
  [field: string]: unknown;
}

export interface NodeHistoryEvent {
  uuid: string;
  created_at: string;
  severity: 'INFO' | 'WARNING' | 'ERROR' | (string & {});
  event: string;
  event_type?: string;
  conductor?: string;
  user?: string | null;
}

export interface CreateNodeSpec {
  driver: string;
  name?: string;
  uuid?: string;
  driver_info?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  instance_info?: Record<string, unknown>;
  /** Per-node override of [conductor]automated_clean (false in the local config). */
  automated_clean?: boolean;
  resource_class?: string;
  [field: string]: unknown;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** States a node reaches when an operation failed: waiting for anything else is pointless. */
const FAILURE_STATES: ReadonlySet<string> = new Set([
  'error',
  'deploy failed',
  'clean failed',
  'inspect failed',
  'rescue failed',
  'unrescue failed',
  'adopt failed',
  'service failed',
]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function basicAuth(e: BasicAuthEndpoint): string {
  return `Basic ${Buffer.from(`${e.username}:${e.password}`).toString('base64')}`;
}

/** Errors of a kept-alive connection that the server closed meanwhile: a read is safe to send again. */
const STALE_SOCKET = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

async function httpFetch(url: string, init: RequestInit): Promise<Response> {
  const idempotent = (init.method ?? 'GET') === 'GET';
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      if (idempotent && attempt < 3 && cause?.code && STALE_SOCKET.has(cause.code)) continue;
      throw new IronicNotUpError(`${init.method ?? 'GET'} ${url} failed: ${why}.`);
    }
  }
}

export class IronicClient {
  private constructor(
    readonly endpoint: BasicAuthEndpoint,
    /** The microversion sent with every request. */
    readonly microversion: string,
    /** The server's minimum and maximum microversions. */
    readonly versions: { min: string; max: string },
  ) {}

  /**
   * Connect: read `GET /` (unauthenticated) for the supported microversions and
   * check the credentials with `GET /v1/drivers`. Throws IronicNotUpError when
   * Ironic does not answer.
   */
  static async connect(
    endpoint: BasicAuthEndpoint = loadIronicEnv().ironic,
    microversion?: string,
  ): Promise<IronicClient> {
    const base = endpoint.url.replace(/\/+$/, '');
    const res = await httpFetch(`${base}/`, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new IronicNotUpError(`GET ${base}/ answered HTTP ${res.status}.`);
    const root = (await res.json()) as { default_version?: { version?: string; min_version?: string } };
    const max = root.default_version?.version;
    const min = root.default_version?.min_version ?? '1.1';
    if (!max) throw new IronicNotUpError(`GET ${base}/ did not name a default_version; is ${base} Ironic?`);
    const client = new IronicClient({ ...endpoint, url: base }, microversion ?? max, { min, max });
    await client.request('GET', '/v1/drivers');
    return client;
  }

  /** One API call. Resolves to the parsed JSON body (undefined for an empty body). */
  async request<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T> {
    const url = `${this.endpoint.url}${apiPath}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: basicAuth(this.endpoint),
      'X-OpenStack-Ironic-API-Version': this.microversion,
    };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await httpFetch(url, init);
    const text = await res.text();
    if (!res.ok) throw new IronicApiError(method, url, res.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async listDrivers(): Promise<{ name: string; hosts: string[] }[]> {
    return (await this.request<{ drivers: { name: string; hosts: string[] }[] }>('GET', '/v1/drivers')).drivers;
  }

  async createNode(spec: CreateNodeSpec): Promise<IronicNode> {
    return this.request<IronicNode>('POST', '/v1/nodes', spec);
  }

  async getNode(ident: string): Promise<IronicNode> {
    return this.request<IronicNode>('GET', `/v1/nodes/${encodeURIComponent(ident)}`);
  }

  /** The node, or undefined when Ironic answers 404. */
  async findNode(ident: string): Promise<IronicNode | undefined> {
    try {
      return await this.getNode(ident);
    } catch (err) {
      if (err instanceof IronicApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The node's history of notable events (microversion >= 1.78), oldest first. */
  async getNodeHistory(ident: string): Promise<NodeHistoryEvent[]> {
    const res = await this.request<{ history: NodeHistoryEvent[] }>(
      'GET',
      `/v1/nodes/${encodeURIComponent(ident)}/history?detail=true`,
    );
    return res.history;
  }

  async deleteNode(ident: string): Promise<void> {
    await this.request('DELETE', `/v1/nodes/${encodeURIComponent(ident)}`);
  }

  /** Ask for a provision state change (asynchronous: Ironic answers 202). */
  async setProvisionState(ident: string, target: ProvisionTarget, extra: Record<string, unknown> = {}): Promise<void> {
    await this.request('PUT', `/v1/nodes/${encodeURIComponent(ident)}/states/provision`, { target, ...extra });
  }

  /** Ask for a power state change (asynchronous: Ironic answers 202). */
  async setPowerState(ident: string, target: PowerTarget, timeoutSeconds?: number): Promise<void> {
    const body: Record<string, unknown> = { target };
    if (timeoutSeconds !== undefined) body.timeout = timeoutSeconds;
    await this.request('PUT', `/v1/nodes/${encodeURIComponent(ident)}/states/power`, body);
  }

  /**
   * Poll until the node is in `state` with no transition pending. Throws at once
   * when the node lands in a failure state (other than the one waited for), and on
   * timeout; both messages carry the node's state and last_error.
   */
  async waitForProvisionState(ident: string, state: ProvisionState, opts: WaitOptions = {}): Promise<IronicNode> {
    const { timeoutMs = 60_000, intervalMs = 250 } = opts;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const node = await this.getNode(ident);
      if (node.provision_state === state && !node.target_provision_state) return node;
      if (FAILURE_STATES.has(node.provision_state) && node.provision_state !== state) {
        throw new Error(
          `node ${ident} went to "${node.provision_state}" while waiting for "${state}": ${node.last_error ?? 'no last_error'}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `node ${ident} not in "${state}" after ${timeoutMs} ms: provision_state "${node.provision_state}", ` +
            `target "${node.target_provision_state}", last_error: ${node.last_error ?? 'none'}`,
        );
      }
      await sleep(intervalMs);
    }
  }

  /** Poll until the node reports `state` with no power transition pending. */
  async waitForPowerState(ident: string, state: PowerState, opts: WaitOptions = {}): Promise<IronicNode> {
    const { timeoutMs = 90_000, intervalMs = 500 } = opts;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const node = await this.getNode(ident);
      if (node.power_state === state && !node.target_power_state) return node;
      if (Date.now() > deadline) {
        throw new Error(
          `node ${ident} not "${state}" after ${timeoutMs} ms: power_state "${node.power_state}", ` +
            `target "${node.target_power_state}", last_error: ${node.last_error ?? 'none'}`,
        );
      }
      await sleep(intervalMs);
    }
  }
}

// --- the Redfish emulator ---------------------------------------------------------

export interface RedfishSystem {
  Id: string;
  Name: string;
  UUID?: string;
  PowerState: 'On' | 'Off' | 'PoweringOn' | 'PoweringOff' | (string & {});
  [field: string]: unknown;
}

/** GET /redfish/v1/Systems/<id> straight from the emulator (not through Ironic). */
export async function getRedfishSystem(sushy: BasicAuthEndpoint, systemId: string): Promise<RedfishSystem> {
  const url = `${sushy.url.replace(/\/+$/, '')}/redfish/v1/Systems/${encodeURIComponent(systemId)}`;
  const res = await httpFetch(url, { headers: { Accept: 'application/json', Authorization: basicAuth(sushy) } });
  const text = await res.text();
  if (!res.ok) throw new IronicApiError('GET', url, res.status, text);
  return JSON.parse(text) as RedfishSystem;
}

// --- the emulated IPMI BMCs -------------------------------------------------------

/** driver_info for an `ipmi` node whose BMC is the emulated one on `port`. */
export function ipmiDriverInfo(ipmi: IpmiEnv, port: number): Record<string, unknown> {
  return {
    ipmi_address: ipmi.address,
    ipmi_port: port,
    ipmi_username: ipmi.username,
    ipmi_password: ipmi.password,
  };
}

/**
 * Ask the BMC on `port` for its chassis power state with ipmitool over lanplus,
 * not through Ironic. The password goes through the environment (ipmitool -E).
 */
export function getIpmiPowerState(ipmi: IpmiEnv, port: number): Promise<'on' | 'off'> {
  const args = ['-I', 'lanplus', '-H', ipmi.address, '-p', String(port), '-U', ipmi.username, '-E', 'power', 'status'];
  return new Promise((resolve, reject) => {
    execFile(
      'ipmitool',
      args,
      { env: { ...process.env, IPMI_PASSWORD: ipmi.password }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ipmitool ${args.join(' ')} failed: ${stderr || err.message}`));
        const m = /Chassis Power is (on|off)/.exec(stdout);
        if (!m) return reject(new Error(`ipmitool power status said: ${stdout.trim()}`));
        resolve(m[1] as 'on' | 'off');
      },
    );
  });
}

/** driver_info for a `redfish` node whose BMC is the emulator's system `systemId`. */
export function redfishDriverInfo(sushy: BasicAuthEndpoint, systemId: string): Record<string, unknown> {
  return {
    redfish_address: sushy.url.replace(/\/+$/, ''),
    redfish_system_id: `/redfish/v1/Systems/${systemId}`,
    redfish_username: sushy.username,
    redfish_password: sushy.password,
    redfish_auth_type: 'basic',
  };
}
