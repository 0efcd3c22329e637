// The process-wide cache of compiled schemas, keyed by where a schema comes from, its name
// and a hash of its content: every schema is compiled once, however many sites and
// documents it validates.

import { createHash } from 'node:crypto';
import { compileSchema, type Engine, schemaErrors, type ValidateFunction } from './engines.js';
import type { JsonSchema } from './schemas/index.js';

export type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; reason: string };

const cache = new Map<string, Compiled>();
const MAX_ENTRIES = 2000; // a long-running operator sees many revisions of a DataSchema
let compiles = 0;

/** How many schemas have been compiled in this process (for tests and benchmarks). */
export function compileCount(): number {
  return compiles;
}

/** Compile (or find already compiled) `schema`; a schema that is not valid JSON Schema gives `ok: false`. */
export function compiled(engine: Engine, name: string, schema: JsonSchema, contentKey?: string): Compiled {
  const key = `${engine}\u0000${name}\u0000${contentKey ?? hashOf(schema)}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = tryCompile(engine, schema);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

function tryCompile(engine: Engine, schema: JsonSchema): Compiled {
  compiles++;
  // A site's schema is checked against its meta-schema first (the built-in ones are known good).
  const invalid = engine === 'builtin' ? undefined : schemaErrors(engine, schema as Record<string, unknown>);
  if (invalid) return { ok: false, reason: invalid };
  try {
    return { ok: true, validate: compileSchema(engine, schema as Record<string, unknown>) };
  } catch (e) {
    return { ok: false, reason: (e instanceof Error ? e.message : String(e)).split('\n')[0]! };
  }
}

export function hashOf(value: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('hex');
}
