// What a NodeSpec asks of Ironic: the body that creates the node and the JSON Patch that
// brings an existing node in line. Pure: no I/O.
import { createHash } from 'node:crypto';
import type { BmcCredentials, NodeSpec } from '../types.js';
import type { IronicNode, JsonPatchOp } from './api.js';
import { type BmcDriver, type BmcInterfaces, bmcDriver, needsCredentials } from './bmc.js';

export interface DesiredNode {
  bmc: BmcDriver;
  properties: Record<string, unknown>;
  /** image_source / checksum fields; empty when the spec has no image. */
  instanceInfo: Record<string, unknown>;
  extra: { slipway_digest: string; slipway_macs: string[]; slipway_site?: string; slipway_bmc?: string };
}

/**
 * A digest of what reaches the BMC (driver and driver_info), for BMCs with credentials: when
 * it differs from the one stored on the node, the new settings are checked against the BMC
 * (reconcile.ts). The password enters it only as its own hash, as in the plan's step digest.
 */
export function bmcDigest(bmc: BmcDriver): string {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const info = Object.entries(bmc.driver_info)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, /password/.test(k) ? hash(String(v)) : v]);
  return `sha256:${hash(JSON.stringify([bmc.driver, info]))}`;
}

export function desiredNode(spec: NodeSpec, credentials: BmcCredentials | undefined): DesiredNode {
  const bmc = bmcDriver(spec.bmc.address, credentials, {
    disableCertificateVerification: spec.bmc.disableCertificateVerification ?? false,
  });
  const instanceInfo: Record<string, unknown> = {};
  if (spec.image) {
    instanceInfo.image_source = spec.image.url;
    if (spec.image.checksumType && spec.image.checksumType !== 'md5') {
      instanceInfo.image_os_hash_algo = spec.image.checksumType;
      instanceInfo.image_os_hash_value = spec.image.checksum;
    } else {
      instanceInfo.image_checksum = spec.image.checksum;
    }
  }
  return {
    bmc,
    properties: { ...spec.properties },
    instanceInfo,
    extra: {
      slipway_digest: spec.digest,
      slipway_macs: spec.bootMACAddress ? [spec.bootMACAddress.toLowerCase()] : [],
      ...(spec.site ? { slipway_site: spec.site } : {}),
      ...(needsCredentials(spec.bmc.address) ? { slipway_bmc: bmcDigest(bmc) } : {}),
    },
  };
}

/** Whether an update changes what the BMC is reached with (or the node has no record of it). */
export function bmcChanged(node: IronicNode, d: DesiredNode): boolean {
  return d.extra.slipway_bmc !== undefined && node.extra?.slipway_bmc !== d.extra.slipway_bmc;
}

export function createBody(spec: NodeSpec, d: DesiredNode): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: spec.name,
    driver: d.bmc.driver,
    driver_info: d.bmc.driver_info,
    properties: d.properties,
    extra: d.extra,
    ...d.bmc.interfaces,
  };
  if (Object.keys(d.instanceInfo).length > 0) body.instance_info = d.instanceInfo;
  return body;
}

/** RFC 6901 escaping of one path segment. */
export function pointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Does the node need a PATCH? (digest differs, or it was found by MAC under another name) */
export function needsSync(node: IronicNode, spec: NodeSpec): boolean {
  return node.extra?.slipway_digest !== spec.digest || node.name !== spec.name;
}

/**
 * The JSON Patch for a node found in Ironic. driver_info, properties and instance_info
 * are set key by key, so what Ironic or an operator added (inspection results,
 * deploy_kernel...) is kept. instance_info is left alone on a deployed node.
 */
export function syncPatch(node: IronicNode, spec: NodeSpec, d: DesiredNode): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  if (node.name !== spec.name) ops.push({ op: 'replace', path: '/name', value: spec.name });
  if (node.driver !== d.bmc.driver) ops.push({ op: 'replace', path: '/driver', value: d.bmc.driver });
  for (const [key, value] of Object.entries(d.bmc.interfaces) as [keyof BmcInterfaces, string][]) {
    if (node[key] !== value) ops.push({ op: 'replace', path: pointer(key), value });
  }
  for (const [key, value] of Object.entries(d.bmc.driver_info)) {
    ops.push({ op: 'add', path: pointer('driver_info', key), value });
  }
  for (const [key, value] of Object.entries(d.properties)) {
    ops.push({ op: 'add', path: pointer('properties', key), value });
  }
  if (node.provision_state !== 'active') {
    for (const [key, value] of Object.entries(d.instanceInfo)) {
      ops.push({ op: 'add', path: pointer('instance_info', key), value });
    }
  }
  ops.push({ op: 'add', path: pointer('extra', 'slipway_digest'), value: d.extra.slipway_digest });
  ops.push({ op: 'add', path: pointer('extra', 'slipway_macs'), value: d.extra.slipway_macs });
  if (d.extra.slipway_site)
    ops.push({ op: 'add', path: pointer('extra', 'slipway_site'), value: d.extra.slipway_site });
  if (d.extra.slipway_bmc) ops.push({ op: 'add', path: pointer('extra', 'slipway_bmc'), value: d.extra.slipway_bmc });
  return ops;
}
