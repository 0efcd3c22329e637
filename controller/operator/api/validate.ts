// Validation of Site and SiteSet specs (and statuses) in the CLI and the controller, from the
// same schemas the CRDs carry, so both reject what the API server rejects:
//
//   1. ajv checks the OpenAPI part (types, required, enum, patterns, bounds). Unknown fields
//      are errors, as they are for `kubectl apply` (strict field validation); the
//      `x-kubernetes-*` keywords are registered with ajv as annotations.
//   2. The CEL rules (`x-kubernetes-validations`) run as their TypeScript twins from
//      cel-rules.ts, where the API server would run them: on every node present, and not
//      at all after a blocking schema error (wrong type, enum, required, too long/many),
//      as the API server does.
//   3. `x-kubernetes-list-type: map` lists must not repeat a key.
//
// Each problem is one line, "<field path>: <what is wrong>", e.g.
// "spec.source: exactly one of spec.source.git or spec.source.inline must be set".

import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { celCheck } from './cel-rules.js';
import { KUBERNETES_KEYWORDS, type Schema } from './schema-kit.js';
import { siteSpecSchema, siteStatusSchema } from './site-schema.js';
import { siteSetSpecSchema, siteSetStatusSchema } from './siteset-schema.js';

// ajv is CommonJS and costs ~100 ms to load: loaded on first use (as in controller/validate).
const require = createRequire(import.meta.url);
type AjvInstance = InstanceType<typeof import('ajv')['default']>;
let ajv: AjvInstance | undefined;

function engine(): AjvInstance {
  if (ajv) return ajv;
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  // strict: a keyword ajv does not know is a mistake in our schemas, except the
  // Kubernetes extensions, which ajv learns as annotation-only keywords.
  const instance = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    addUsedSchema: false,
  });
  addFormats(instance, ['date-time']);
  // int32/int64 bound integers only; a fraction is already a `type: integer` error.
  const bounded = (min: number, max: number) => (n: number) => !Number.isInteger(n) || (n >= min && n <= max);
  instance.addFormat('int32', { type: 'number', validate: bounded(-(2 ** 31), 2 ** 31 - 1) });
  instance.addFormat('int64', { type: 'number', validate: bounded(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
  for (const keyword of KUBERNETES_KEYWORDS) instance.addKeyword({ keyword });
  ajv = instance;
  return instance;
}

/**
 * The schema as ajv must see it: where the API server drops (and strict `kubectl apply`
 * rejects) unknown fields, ajv reports them. Structural schemas may not say
 * `additionalProperties: false` themselves, so it is added here, never in the CRD.
 */
export function toAjvSchema(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toAjvSchema(v)]));
    if (!schema['x-kubernetes-preserve-unknown-fields'] && !schema.additionalProperties) {
      (out as Record<string, unknown>).additionalProperties = false;
    }
  }
  if (schema.items) out.items = toAjvSchema(schema.items);
  if (schema.additionalProperties) out.additionalProperties = toAjvSchema(schema.additionalProperties);
  return out;
}

/**
 * The schema errors after which the API server does not run CEL rules ("some validation
 * rules were not checked because the object was invalid"): Kubernetes' hasBlockingErr
 * counts wrong types, unsupported (enum) values, missing required fields, and too long or
 * too many values; a failed pattern, minimum or minLength does not block. (An unknown
 * field stops the API server earlier still: strict decoding rejects the object whole.)
 */
const BLOCKING = new Set([
  'type',
  'enum',
  'required',
  'maxLength',
  'maxItems',
  'maxProperties',
  'additionalProperties',
]);

/** A validator for one schema, compiled on first use. */
export interface Validator {
  (value: unknown): string[];
  readonly schema: Schema;
}

export function validator(schemaOf: () => Schema, path: string): Validator {
  let schema: Schema | undefined;
  let compiled: ValidateFunction | undefined;
  const fn = (value: unknown): string[] => {
    schema ??= schemaOf();
    compiled ??= engine().compile(toAjvSchema(schema));
    const problems: string[] = [];
    const ok = compiled(value);
    const errors = ok ? [] : (compiled.errors ?? []);
    for (const e of errors) problems.push(formatAjvError(e, path));
    // The API server evaluates CEL rules only when no error of these kinds came first.
    if (!errors.some((e) => BLOCKING.has(e.keyword))) walk(schema, value, path, problems);
    else walkLists(schema, value, path, problems);
    return [...new Set(problems)];
  };
  return Object.defineProperty(fn, 'schema', { get: () => (schema ??= schemaOf()) }) as Validator;
}

/** Problems with a Site spec ("spec.…: …"); empty when the API server would accept it. */
export const validateSiteSpec: Validator = validator(() => siteSpecSchema(), 'spec');
/** Problems with a Site status as the controller is about to write it. */
export const validateSiteStatus: Validator = validator(() => siteStatusSchema(), 'status');
/** Problems with a SiteSet spec. */
export const validateSiteSetSpec: Validator = validator(() => siteSetSpecSchema(), 'spec');
/** Problems with a SiteSet status. */
export const validateSiteSetStatus: Validator = validator(() => siteSetStatusSchema(), 'status');

// --- CEL rules and list maps ---------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(schema: Schema, value: unknown, path: string, problems: string[]): void {
  if (value === undefined || value === null) return;
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    let ok: boolean;
    try {
      ok = celCheck(rule)(value);
    } catch {
      ok = false; // a rule that cannot be evaluated rejects, as on the API server
    }
    if (!ok) problems.push(`${path}: ${message}`);
  }
  checkListMap(schema, value, path, problems);
  children(schema, value, path, (s, v, p) => walk(s, v, p, problems));
}

/** Only the list-map checks (the API server runs them even when CEL is skipped). */
function walkLists(schema: Schema, value: unknown, path: string, problems: string[]): void {
  if (value === undefined || value === null) return;
  checkListMap(schema, value, path, problems);
  children(schema, value, path, (s, v, p) => walkLists(s, v, p, problems));
}

function children(
  schema: Schema,
  value: unknown,
  path: string,
  visit: (s: Schema, v: unknown, p: string) => void,
): void {
  if (isObject(value)) {
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (key in value) visit(child, value[key], `${path}.${key}`);
    }
    if (schema.additionalProperties) {
      for (const [key, v] of Object.entries(value))
        if (!schema.properties?.[key]) visit(schema.additionalProperties, v, `${path}.${key}`);
    }
  } else if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => visit(schema.items!, item, `${path}[${i}]`));
  }
}

function checkListMap(schema: Schema, value: unknown, path: string, problems: string[]): void {
  if (schema['x-kubernetes-list-type'] !== 'map' || !Array.isArray(value)) return;
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    if (!isObject(item)) return;
    const key = JSON.stringify(Object.fromEntries(keys.map((k) => [k, item[k]])));
    if (seen.has(key)) problems.push(`${path}[${i}]: Duplicate value: ${key}`);
    seen.add(key);
  });
}

// --- ajv errors as field paths --------------------------------------------------------

/** "/source/inline/documents/0" under "spec" → "spec.source.inline.documents[0]". */
export function fieldPath(prefix: string, instancePath: string): string {
  if (!instancePath) return prefix;
  return (
    prefix +
    instancePath
      .slice(1)
      .split('/')
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((seg) => (/^[0-9]+$/.test(seg) ? `[${seg}]` : `.${seg}`))
      .join('')
  );
}

function formatAjvError(e: ErrorObject, prefix: string): string {
  const path = fieldPath(prefix, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${path}.${String(p.missingProperty)}: Required value`;
    case 'additionalProperties':
      return `${path}.${String(p.additionalProperty)}: unknown field`;
    case 'enum':
      return `${path}: Unsupported value: supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${path}: must be of type ${String(p.type)}`;
    case 'minimum':
      return `${path}: should be greater than or equal to ${String(p.limit)}`;
    case 'maximum':
      return `${path}: should be less than or equal to ${String(p.limit)}`;
    case 'pattern':
      return `${path}: should match '${String(p.pattern)}'`;
    case 'minLength':
      return `${path}: should be at least ${String(p.limit)} chars long`;
    case 'maxLength':
      return `${path}: may not be more than ${String(p.limit)} characters`;
    case 'minItems':
      return `${path}: should have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `${path}: must have at most ${String(p.limit)} items`;
    case 'format':
      return `${path}: must be a valid ${String(p.format)}`;
    default:
      return `${path}: ${e.message ?? e.keyword}`;
  }
}
