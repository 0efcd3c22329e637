// drydock/BaremetalNode/v1, after python/drydock_provisioner/schemas/baremetalNode.yaml in
// airshipit/drydock.
import type { JsonSchema } from './types.js';

const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

const filesystem: JsonSchema = {
  type: 'object',
  properties: {
    mountpoint: { type: 'string' },
    fstype: { type: 'string' },
    mount_options: { type: 'string' },
    fs_uuid: { type: 'string' },
    fs_label: { type: 'string' },
  },
  additionalProperties: false,
};

const partition: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    size: { type: 'string' },
    part_uuid: { type: 'string' },
    volume_group: { type: 'string' },
    labels: stringMap,
    bootable: { type: 'boolean' },
    filesystem,
  },
  additionalProperties: false,
};

const logicalVolume: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    lv_uuid: { type: 'string' },
    size: { type: 'string' },
    filesystem,
  },
};

export const baremetalNode: JsonSchema = {
  type: 'object',
  properties: {
    addressing: {
      type: 'array',
      items: {
        type: 'object',
        properties: { address: { type: 'string' }, network: { type: 'string' } },
      },
    },
    oob: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        network: { type: 'string' },
        account: { type: 'string' },
        credential: { type: 'string' },
      },
      additionalProperties: true,
    },
    storage: {
      type: 'object',
      properties: {
        physical_devices: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: {
              labels: stringMap,
              volume_group: { type: 'string' },
              partitions: { type: 'array', items: partition },
            },
          },
        },
        volume_groups: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: {
              vg_uuid: { type: 'string' },
              logical_volumes: { type: 'array', items: logicalVolume },
            },
          },
        },
      },
    },
    platform: {
      type: 'object',
      properties: {
        image: { type: 'string' },
        kernel: { type: 'string' },
        kernel_params: { type: 'object', additionalProperties: true },
      },
      additionalProperties: false,
    },
    metadata: {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        owner_data: stringMap,
        rack: { type: 'string' },
        boot_mac: { type: 'string' },
      },
      additionalProperties: false,
    },
    host_profile: { type: 'string' },
    hardware_profile: { type: 'string' },
    primary_network: { type: 'string' },
    interfaces: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          device_link: { type: 'string' },
          slaves: { type: 'array', items: { type: 'string' } },
          networks: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  additionalProperties: false,
};
