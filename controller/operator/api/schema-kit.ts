// The subset of OpenAPI v3 / JSON Schema that a Kubernetes structural schema allows, and
// small builders for it. The same objects go into the CRDs (crds.ts) and into ajv
// (validate.ts), so every keyword used here must mean the same thing to both.

import { celCheck } from './cel-rules.js';

/** One `x-kubernetes-validations` entry. The rule must be registered in cel-rules.ts. */
export interface CelValidation {
  rule: string;
  message: string;
}

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  type?: SchemaType;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema;
  items?: Schema;
  enum?: (string | number | boolean)[];
  default?: unknown;
  format?: 'date-time' | 'int32' | 'int64';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  'x-kubernetes-validations'?: CelValidation[];
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'granular' | 'atomic';
}

/** The `x-kubernetes-*` keywords: ajv is told about them (as annotations), the API server acts on them. */
export const KUBERNETES_KEYWORDS = [
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
] as const;

type Extra = Omit<Schema, 'type' | 'description' | 'properties' | 'required' | 'items'>;

export const str = (description: string, extra: Extra = {}): Schema => ({ type: 'string', description, ...extra });
export const bool = (description: string, extra: Extra = {}): Schema => ({ type: 'boolean', description, ...extra });
export const int = (description: string, extra: Extra = {}): Schema => ({
  type: 'integer',
  format: 'int32',
  description,
  ...extra,
});
export const int64 = (description: string, extra: Extra = {}): Schema => ({
  type: 'integer',
  format: 'int64',
  description,
  ...extra,
});
export const num = (description: string, extra: Extra = {}): Schema => ({ type: 'number', description, ...extra });
export const time = (description: string): Schema => ({ type: 'string', format: 'date-time', description });

export function obj(
  description: string,
  properties: Record<string, Schema>,
  required: string[] = [],
  extra: Extra = {},
): Schema {
  return { type: 'object', description, properties, ...(required.length ? { required } : {}), ...extra };
}

export function arr(description: string, items: Schema, extra: Extra = {}): Schema {
  return { type: 'array', description, items, ...extra };
}

/** A map of strings (labels, annotations, values). */
export const stringMap = (description: string, extra: Extra = {}): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
  ...extra,
});

/** A CEL rule for `x-kubernetes-validations`; throws at build time when cel-rules.ts has no TypeScript equivalent. */
export function cel(rule: string, message: string): CelValidation {
  celCheck(rule); // fail fast: every rule the API server evaluates, the CLI evaluates too
  return { rule, message };
}

export function withRules(schema: Schema, ...rules: CelValidation[]): Schema {
  return { ...schema, 'x-kubernetes-validations': [...(schema['x-kubernetes-validations'] ?? []), ...rules] };
}

// --- shared field shapes ------------------------------------------------------------

/** A Kubernetes object name (DNS-1123 subdomain). */
export const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A DNS-1123 label (63 characters at most). */
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

export const objectName = (description: string): Schema =>
  str(description, { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN });

export const localObjectReference = (description: string): Schema =>
  obj(description, { name: objectName('Name of the referent, in the same namespace.') }, ['name']);

/**
 * The same schema without `pattern` on any string: for a template whose strings may hold
 * `{{siteName}}` / `{{values.x}}` placeholders (the generated objects are validated in full).
 */
export function withoutPatterns(schema: Schema): Schema {
  const {
    pattern: _pattern,
    properties,
    items,
    additionalProperties,
    ...rest
  } = schema as Schema & { pattern?: string; items?: Schema };
  const out: Schema & { items?: Schema } = { ...rest };
  if (properties)
    out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, withoutPatterns(v)]));
  if (items) out.items = withoutPatterns(items);
  if (additionalProperties) out.additionalProperties = withoutPatterns(additionalProperties);
  return out;
}
