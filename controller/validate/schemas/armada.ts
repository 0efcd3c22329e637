// Armada v1 documents, after armada/schemas/armada-*-schema-v1.yaml and
// doc/source/operations/documents/v1/document-authoring.rst in airshipit/armada.
// Strict where Armada is strict (unknown keys), permissive where it is (install, values).
import type { JsonSchema } from './types.js';

const labels: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

const hookActions: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { name: { type: 'string' }, type: { type: 'string' }, labels },
    additionalProperties: false,
    required: ['type'],
  },
};

export const manifest: JsonSchema = {
  type: 'object',
  properties: {
    release_prefix: { type: 'string' },
    chart_groups: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
  required: ['chart_groups', 'release_prefix'],
};

export const chartGroup: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    sequenced: { type: 'boolean' },
    test_charts: { type: 'boolean' }, // deprecated in Armada, still accepted
    chart_group: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
  required: ['chart_group'],
};

export const chart: JsonSchema = {
  type: 'object',
  properties: {
    release: { type: 'string' },
    chart_name: { type: 'string' },
    namespace: { type: 'string' },
    values: { type: 'object' },
    dependencies: { type: 'array', items: { type: 'string' } },
    protected: {
      type: 'object',
      properties: { continue_processing: { type: 'boolean' } },
      additionalProperties: false,
    },
    // `test: true|false` is Armada's deprecated short form of `test.enabled`.
    test: {
      type: ['boolean', 'object'],
      properties: {
        enabled: { type: 'boolean' },
        timeout: { type: 'integer' },
        options: {
          type: 'object',
          properties: { cleanup: { type: 'boolean' } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    timeout: { type: 'integer' }, // deprecated: wait.timeout
    wait: {
      type: 'object',
      properties: {
        timeout: { type: 'integer' },
        resources: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              labels,
              min_ready: { type: ['integer', 'string'] },
            },
            additionalProperties: false,
            required: ['type'],
          },
        },
        labels,
        native: {
          type: 'object',
          properties: { enabled: { type: 'boolean' } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    source: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['local', 'tar', 'git'] },
        location: { type: 'string' },
        subpath: { type: 'string' },
        reference: { type: 'string' },
        proxy_server: { type: 'string' },
        auth_method: { type: 'string' },
      },
      // Armada's JSON schema also requires `subpath`; its authoring guide documents it as
      // optional (default "."), and Slipway follows the guide.
      required: ['location', 'type'],
    },
    delete: {
      type: 'object',
      properties: { timeout: { type: 'integer' } },
    },
    install: { type: 'object' }, // Armada keeps it for compatibility; it is not read
    upgrade: {
      type: 'object',
      properties: {
        no_hooks: { type: 'boolean' },
        pre: {
          type: 'object',
          properties: { delete: hookActions, update: hookActions, create: hookActions },
          additionalProperties: false,
        },
        post: {
          type: 'object',
          properties: { create: hookActions },
          additionalProperties: false,
        },
        options: {
          type: 'object',
          properties: { force: { type: 'boolean' } },
          additionalProperties: false,
        },
      },
      // Armada's JSON schema requires `no_hooks`; the authoring guide does not (default false).
      additionalProperties: false,
    },
    // Slipway's: fields drift detection ignores (Flux's driftDetection.ignore): JSON pointers,
    // for every object of the release or only those matching `target`.
    drift: {
      type: 'object',
      properties: {
        ignore: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              paths: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(/[^/]*)+$' } },
              target: {
                type: 'object',
                properties: { kind: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' } },
                additionalProperties: false,
              },
            },
            required: ['paths'],
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
  required: ['namespace', 'chart_name', 'release', 'source'],
};

export const armadaSchemas: Record<string, JsonSchema> = {
  'armada/Manifest/v1': manifest,
  'armada/ChartGroup/v1': chartGroup,
  'armada/Chart/v1': chart,
};
