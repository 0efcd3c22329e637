// Typed Ironic node and port calls over the client. One function per REST call.
import type { ObservedNode } from '../types.js';
import { type IronicClient, isNotFound } from './client.js';

/** The node fields Slipway reads (Ironic returns more). */
export interface IronicNode {
  uuid: string;
  name: string | null;
  driver: string;
  provision_state: string;
  target_provision_state: string | null;
  power_state: string | null;
  target_power_state?: string | null;
  maintenance: boolean;
  maintenance_reason?: string | null;
  last_error: string | null;
  extra: Record<string, unknown>;
  instance_info?: Record<string, unknown>;
  inspection_finished_at?: string | null;
  boot_interface?: string;
  deploy_interface?: string;
  inspect_interface?: string;
  management_interface?: string;
  power_interface?: string;
  vendor_interface?: string;
}

export interface IronicPort {
  uuid: string;
  address: string;
  node_uuid: string;
}

export interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Fields list() asks for: enough for ObservedNode, in one request. */
export const LIST_FIELDS = [
  'uuid',
  'name',
  'driver',
  'provision_state',
  'target_provision_state',
  'power_state',
  'target_power_state',
  'maintenance',
  'maintenance_reason',
  'last_error',
  'extra',
];

/** A call Ironic answers only once the BMC has (ipmitool retries a refused login for about 30 s). */
export const BMC_CALL_TIMEOUT_MS = 120_000;

/** extra key holding the maintenance reason Slipway wrote when it set maintenance itself. */
export const SLIPWAY_MAINTENANCE = 'slipway_maintenance';
/** extra key holding the digest a node last reached `active` with under Slipway. */
export const SLIPWAY_DEPLOYED = 'slipway_deployed';

const node = (ident: string) => `/v1/nodes/${encodeURIComponent(ident)}`;

/** What `remove` reports for a node that is not (or no longer) in Ironic. */
export function absentNode(name: string): ObservedNode {
  return {
    uuid: '',
    name,
    driver: '',
    provisionState: 'deleted',
    targetProvisionState: null,
    powerState: null,
    maintenance: false,
    lastError: null,
    macs: [],
  };
}

export function observe(raw: IronicNode, macs?: string[]): ObservedNode {
  const digest = raw.extra?.slipway_digest;
  const recorded = raw.extra?.slipway_macs;
  const out: ObservedNode = {
    uuid: raw.uuid,
    name: raw.name ?? raw.uuid,
    driver: raw.driver,
    provisionState: raw.provision_state,
    targetProvisionState: raw.target_provision_state ?? null,
    powerState: raw.power_state ?? null,
    targetPowerState: raw.target_power_state ?? null,
    maintenance: Boolean(raw.maintenance),
    maintenanceReason: raw.maintenance_reason ?? null,
    lastError: raw.last_error ?? null,
    macs: macs ?? (Array.isArray(recorded) ? recorded.filter((m): m is string => typeof m === 'string') : []),
  };
  if (typeof digest === 'string') out.digest = digest;
  const site = raw.extra?.slipway_site;
  if (typeof site === 'string') out.site = site;
  const deployed = raw.extra?.slipway_deployed;
  if (typeof deployed === 'string') out.deployedDigest = deployed;
  // Slipway's own maintenance records the reason it wrote: a person who sets maintenance
  // again (another reason) owns it from then on.
  const own = raw.extra?.[SLIPWAY_MAINTENANCE];
  if (out.maintenance && typeof own === 'string' && own === (raw.maintenance_reason ?? ''))
    out.maintenanceBySlipway = true;
  return out;
}

export function ironicApi(client: IronicClient) {
  return {
    client,
    async getNode(ident: string): Promise<IronicNode | undefined> {
      try {
        return await client.request<IronicNode>('GET', node(ident));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async listNodes(): Promise<IronicNode[]> {
      const res = await client.request<{ nodes: IronicNode[] }>('GET', `/v1/nodes?fields=${LIST_FIELDS.join(',')}`);
      return res.nodes;
    },
    async portsByAddress(mac: string): Promise<IronicPort[]> {
      const q = `address=${encodeURIComponent(mac.toLowerCase())}&fields=uuid,address,node_uuid`;
      return (await client.request<{ ports: IronicPort[] }>('GET', `/v1/ports?${q}`)).ports;
    },
    async portsOfNode(uuid: string): Promise<IronicPort[]> {
      const q = `node_uuid=${encodeURIComponent(uuid)}&fields=uuid,address,node_uuid`;
      return (await client.request<{ ports: IronicPort[] }>('GET', `/v1/ports?${q}`)).ports;
    },
    createNode(body: Record<string, unknown>): Promise<IronicNode> {
      return client.request<IronicNode>('POST', '/v1/nodes', body);
    },
    createPort(body: Record<string, unknown>): Promise<IronicPort> {
      return client.request<IronicPort>('POST', '/v1/ports', body);
    },
    patchNode(uuid: string, ops: JsonPatchOp[]): Promise<IronicNode> {
      return client.request<IronicNode>('PATCH', node(uuid), ops);
    },
    async setProvisionState(uuid: string, target: string, extra: Record<string, unknown> = {}): Promise<void> {
      await client.request('PUT', `${node(uuid)}/states/provision`, { target, ...extra });
    },
    /** Asynchronous: Ironic answers 202 and sets target_power_state until the BMC has done it. */
    async setPowerState(uuid: string, target: 'power on' | 'power off'): Promise<void> {
      await client.request('PUT', `${node(uuid)}/states/power`, { target }, { timeoutMs: BMC_CALL_TIMEOUT_MS });
    },
    /** Clears maintenance (and its reason). */
    async clearMaintenance(uuid: string): Promise<void> {
      await client.request('DELETE', `${node(uuid)}/maintenance`);
    },
    /** Ironic asks the BMC itself (a read): what tells whether the BMC accepts the node's driver_info. */
    async getBootDevice(uuid: string): Promise<{ boot_device: string | null }> {
      return client.request<{ boot_device: string | null }>('GET', `${node(uuid)}/management/boot_device`, undefined, {
        timeoutMs: BMC_CALL_TIMEOUT_MS,
      });
    },
    async deleteNode(uuid: string): Promise<void> {
      await client.request('DELETE', node(uuid));
    },
  };
}

export type IronicApi = ReturnType<typeof ironicApi>;
