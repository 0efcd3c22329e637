// The JSON Schema engines: ajv 8 (draft-07, with formats) for Slipway's built-in schemas and
// ajv-draft-04 for the repository's own DataSchema documents, which Deckhand always checks
// with a draft-04 validator. One instance of each per process: compiling is the slow part.
// Every `pattern` runs on RE2 (limits/linear-regex.ts): linear time, whatever the pattern.

import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { ajvRegExp } from '../limits/linear-regex.js';
import { unresolvedRefKeyword, withLenientRefs } from './lenient-refs.js';

// ajv is loaded on first use, not at import: loading and warming it up costs ~100 ms,
// which `slipway render` of valid documents never needs (see envelope.ts's fast path).
// Its packages are CommonJS whose `module.exports` is the class, with `.default` the same.
const require = createRequire(import.meta.url);
const ajvClass = () => (require('ajv') as typeof import('ajv')).default;
const ajvDraft04Class = () => (require('ajv-draft-04') as typeof import('ajv-draft-04')).default;
const addFormats = (ajv: AjvInstance) => (require('ajv-formats') as typeof import('ajv-formats')).default(ajv);

export type Engine = 'builtin' | 'draft-04' | 'draft-07';
export type { ValidateFunction };

type AjvInstance = InstanceType<ReturnType<typeof ajvClass>>;
type AjvDraft04Instance = InstanceType<ReturnType<typeof ajvDraft04Class>>;

let builtin: AjvInstance | undefined;
let draft04: AjvDraft04Instance | undefined;
let draft07: AjvInstance | undefined;

/** Slipway's own schemas: strict, so a mistake in them fails loudly in the tests. */
function builtinEngine(): AjvInstance {
  if (!builtin) {
    const Ajv = ajvClass();
    builtin = new Ajv({
      allErrors: true,
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      verbose: true,
      addUsedSchema: false,
      code: { regExp: ajvRegExp },
    });
    addFormats(builtin);
  }
  return builtin;
}

/**
 * Site DataSchemas: lenient like Python's jsonschema (unknown keywords ignored, `format`
 * not checked, as Deckhand passes no format checker).
 */
function draft04Engine(): AjvDraft04Instance {
  const AjvDraft04 = ajvDraft04Class();
  if (!draft04) {
    draft04 = new AjvDraft04({
      allErrors: true,
      strict: false,
      validateFormats: false,
      verbose: true,
      addUsedSchema: false,
      code: { regExp: ajvRegExp },
    });
    draft04.addKeyword(unresolvedRefKeyword);
  }
  return draft04;
}

function draft07Engine(): AjvInstance {
  const Ajv = ajvClass();
  if (!draft07) {
    draft07 = new Ajv({
      allErrors: true,
      strict: false,
      validateFormats: false,
      verbose: true,
      addUsedSchema: false,
      code: { regExp: ajvRegExp },
    });
    draft07.addKeyword(unresolvedRefKeyword);
  }
  return draft07;
}

/**
 * Compile a schema on the given engine. The schema's own `$schema` and top-level id are
 * dropped first: the engine is chosen by the caller, and an id would register the schema
 * globally so that a second DataSchema with the same id could not be compiled.
 * Throws when the schema is not a valid JSON Schema.
 */
export function compileSchema(engine: Engine, schema: Record<string, unknown>): ValidateFunction {
  const { $schema: _s, $id: _id, id: _id04, ...rest } = schema;
  // A DataSchema's dangling local $ref fails only where a value reaches it, as in Deckhand.
  const body = engine === 'builtin' ? schema : (withLenientRefs(rest) as Record<string, unknown>);
  switch (engine) {
    case 'builtin':
      return builtinEngine().compile(body);
    case 'draft-04':
      return draft04Engine().compile(body);
    case 'draft-07':
      return draft07Engine().compile(body);
  }
}

/** Meta-schema errors of a schema (cheap: no compilation), or undefined when it is valid. */
export function schemaErrors(engine: Engine, schema: Record<string, unknown>): string | undefined {
  const { $schema: _s, ...rest } = schema;
  const ajv = engine === 'builtin' ? builtinEngine() : engine === 'draft-04' ? draft04Engine() : draft07Engine();
  if (ajv.validateSchema(engine === 'builtin' ? schema : rest)) return undefined;
  return `schema is invalid: ${ajv.errorsText(ajv.errors)}`;
}

/** Which engine a DataSchema's `$schema` asks for: draft-06/07 explicitly, otherwise draft-04. */
export function engineForDataSchema(schema: Record<string, unknown>): Engine {
  const uri = schema.$schema;
  return typeof uri === 'string' && /draft-0[67]\b/.test(uri) ? 'draft-07' : 'draft-04';
}
