// slipway/BaremetalHost/v1: what Ironic needs per node beyond what the drydock/BaremetalNode/v1
// it extends (named by `node`) says; where both say something, this document wins. Field names follow Metal3's BareMetalHost where they mean
// the same thing (bmc.address, bootMACAddress, rootDeviceHints, image).
import type { JsonSchema } from './types.js';

/** BMC address schemes Ironic's drivers accept through Slipway. */
export const BMC_SCHEMES = [
  'ipmi',
  'redfish',
  'redfish+http',
  'redfish+https',
  'redfish-virtualmedia',
  'idrac-redfish',
  'idrac-virtualmedia',
  'fake',
] as const;

const bmcAddressPattern = `^(${BMC_SCHEMES.map((s) => s.replace('+', '\\+')).join('|')})://[^\\s/]+`;

export const baremetalHost: JsonSchema = {
  type: 'object',
  properties: {
    node: { type: 'string', minLength: 1 },
    bmc: {
      type: 'object',
      properties: {
        address: { type: 'string', pattern: bmcAddressPattern },
        credentialsSecretRef: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string', minLength: 1 } },
          additionalProperties: false,
          required: ['name'],
        },
        credentials: {
          type: 'object',
          properties: { username: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 } },
          additionalProperties: false,
          required: ['username', 'password'],
        },
        disableCertificateVerification: { type: 'boolean' },
      },
      additionalProperties: false,
      // The address and the credentials may come from the node's Drydock oob block instead.
      oneOf: [
        { required: ['credentialsSecretRef'] },
        { required: ['credentials'] },
        { not: { anyOf: [{ required: ['credentialsSecretRef'] }, { required: ['credentials'] }] } },
      ],
      description: 'at most one of credentialsSecretRef or credentials',
    },
    bootMACAddress: { type: 'string', pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$' },
    bootMode: { type: 'string', enum: ['UEFI', 'UEFISecureBoot', 'legacy'] },
    image: {
      type: 'object',
      properties: {
        url: { type: 'string', format: 'uri' },
        checksum: { type: 'string', minLength: 1 },
        checksumType: { type: 'string', enum: ['md5', 'sha256', 'sha512', 'auto'] },
        diskFormat: { type: 'string', enum: ['raw', 'qcow2', 'vdi', 'vmdk', 'live-iso'] },
      },
      additionalProperties: false,
      required: ['url', 'checksum'],
    },
    userData: { type: 'string' },
    networkData: { type: 'string' },
    configDrive: {
      type: 'object',
      properties: {
        meta_data: { type: 'object' },
        user_data: { type: ['string', 'object'] },
        network_data: { type: 'object' },
        vendor_data: { type: 'object' },
      },
      additionalProperties: false,
    },
    online: { type: 'boolean' },
    inspect: { type: 'boolean' },
    // Any new value is the explicit change that lets Slipway deploy again a node it deployed and
    // later found undeployed (provision-drift); it never redeploys an active node.
    redeploy: { type: 'string', minLength: 1 },
    rootDeviceHints: {
      type: 'object',
      properties: {
        deviceName: { type: 'string' },
        hctl: { type: 'string' },
        model: { type: 'string' },
        vendor: { type: 'string' },
        serialNumber: { type: 'string' },
        minSizeGigabytes: { type: 'integer', minimum: 0 },
        wwn: { type: 'string' },
        wwnWithExtension: { type: 'string' },
        wwnVendorExtension: { type: 'string' },
        rotational: { type: 'boolean' },
      },
      additionalProperties: false,
      minProperties: 1,
    },
  },
  additionalProperties: false,
  // Only `node`: the BMC, its credentials and the boot MAC may come from Drydock's documents.
  required: ['node'],
};
