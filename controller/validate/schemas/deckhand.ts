// Deckhand's own document kinds (deckhand/engine/schemas in airshipit/deckhand).
import type { JsonSchema } from './types.js';

export const layeringPolicy: JsonSchema = {
  type: 'object',
  properties: { layerOrder: { type: 'array', items: { type: 'string' } } },
  additionalProperties: false,
  required: ['layerOrder'],
};

export const validationPolicy: JsonSchema = {
  type: 'object',
  properties: {
    validations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', pattern: '^.*-(validation|verification)$' },
          expiresAfter: { type: 'string' },
        },
        additionalProperties: false,
        required: ['name'],
      },
    },
  },
  additionalProperties: false,
  required: ['validations'],
};

/**
 * A DataSchema's data is a JSON Schema; whether it is a valid one is checked by compiling
 * it (see data-schemas.ts), so only its outer shape is checked here.
 */
export const dataSchema: JsonSchema = {
  type: 'object',
  properties: { $schema: { type: 'string' } },
};

/** Passphrases, certificates and keys: the data is the secret itself, a string. */
export const secretString: JsonSchema = { type: 'string' };

export const deckhandSchemas: Record<string, JsonSchema> = {
  'deckhand/LayeringPolicy/v1': layeringPolicy,
  'deckhand/ValidationPolicy/v1': validationPolicy,
  'deckhand/DataSchema/v1': dataSchema,
  'deckhand/Passphrase/v1': secretString,
  'deckhand/Certificate/v1': secretString,
  'deckhand/CertificateKey/v1': secretString,
  'deckhand/CertificateAuthority/v1': secretString,
  'deckhand/CertificateAuthorityKey/v1': secretString,
  'deckhand/PrivateKey/v1': secretString,
  'deckhand/PublicKey/v1': secretString,
};
