// The metadata sections of raw documents, after Deckhand's metadata_document.yaml and
// metadata_control.yaml (deckhand/engine/schemas), as draft-07 for ajv.
import type { JsonSchema } from './types.js';

const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

const substitutionDest: JsonSchema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    pattern: { type: 'string' },
    recurse: {
      type: 'object',
      properties: { depth: { type: 'integer', minimum: -1 } },
      required: ['depth'],
    },
  },
  additionalProperties: false,
  required: ['path'],
};

const substitution: JsonSchema = {
  type: 'object',
  properties: {
    // One destination or a non-empty list of them. Written with `type` instead of anyOf so
    // that an error inside a destination is reported as itself.
    dest: {
      type: ['object', 'array'],
      minItems: 1,
      items: substitutionDest,
      properties: substitutionDest.properties,
      additionalProperties: false,
      required: ['path'],
    },
    src: {
      type: 'object',
      properties: {
        schema: { type: 'string', pattern: '^[A-Za-z]+/[A-Za-z]+/v\\d+$' },
        name: { type: 'string' },
        path: { type: 'string' },
        pattern: { type: 'string' },
        match_group: { type: 'integer' },
        deepcopy: { type: 'boolean' },
      },
      additionalProperties: false,
      required: ['schema', 'name', 'path'],
    },
  },
  additionalProperties: false,
  required: ['dest', 'src'],
};

export const LAYERING_METHODS = ['merge', 'replace', 'delete'] as const;

export const metadataDocument: JsonSchema = {
  type: 'object',
  properties: {
    schema: { type: 'string', const: 'metadata/Document/v1' },
    name: { type: 'string', minLength: 1 },
    labels: { type: 'object' },
    replacement: { type: 'boolean' },
    storagePolicy: { type: 'string', enum: ['cleartext', 'encrypted'] },
    layeringDefinition: {
      type: 'object',
      properties: {
        layer: { type: 'string', minLength: 1 },
        abstract: { type: 'boolean' },
        parentSelector: { type: 'object', minProperties: 1 },
        actions: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              method: { type: 'string', enum: [...LAYERING_METHODS] },
              path: { type: 'string' },
            },
            additionalProperties: false,
            required: ['method', 'path'],
          },
        },
      },
      additionalProperties: false,
      required: ['layer'],
      // Deckhand: a parentSelector needs actions, and actions need a parentSelector.
      dependencies: { parentSelector: ['actions'], actions: ['parentSelector'] },
    },
    substitutions: { type: 'array', items: substitution },
  },
  additionalProperties: false,
  required: ['schema', 'name', 'storagePolicy', 'layeringDefinition'],
};

/**
 * Control documents (LayeringPolicy, DataSchema, ValidationPolicy). Deckhand allows any
 * other key; Slipway rejects the ones that would mean layering or substitution, which
 * Deckhand silently ignores on control documents.
 */
export const metadataControl: JsonSchema = {
  type: 'object',
  properties: {
    schema: { type: 'string', const: 'metadata/Control/v1' },
    name: { type: 'string', minLength: 1 },
    labels: stringMap,
    storagePolicy: { type: 'string', enum: ['cleartext', 'encrypted'] },
    layeringDefinition: {
      type: 'object',
      properties: { layer: { type: 'string' }, abstract: { type: 'boolean' }, parentSelector: false, actions: false },
    },
    substitutions: false,
    replacement: false,
  },
  additionalProperties: true,
  required: ['schema', 'name'],
};
