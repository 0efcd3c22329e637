// Which schemas validate a document: Slipway's built-in schemas, schemas the caller adds,
// and the site's own deckhand/DataSchema/v1 documents. Deckhand's matching rule: a
// DataSchema named `a/B/v1` validates documents whose schema is `a/B/v1`; one named without
// a version (`a/B`) validates every version (`a/B/...`). Schemas are compiled when a
// document first needs them (and then cached for the process, see compiled.ts).

import { locatePath } from '../documents/parse.js';
import { DATA_SCHEMA, docRef, isControl, type RenderedDocument } from '../documents/types.js';

type ValidatedDocument = Pick<RenderedDocument, 'schema' | 'metadata' | 'data' | 'source' | 'node'>;

import { describeDocument, type Problems } from '../problems/index.js';
import { compiled, hashOf } from './compiled.js';
import { type Engine, engineForDataSchema, type ValidateFunction } from './engines.js';
import { builtinSchemas, type JsonSchema } from './schemas/index.js';

export interface SchemaEntry {
  /** The schema's name: the document schema (or schema prefix) it validates. */
  name: string;
  origin: 'built-in' | 'DataSchema';
  validate: ValidateFunction;
}

export interface SchemaRegistry {
  /** Every schema that applies to documents of `schema`; empty when none is known. */
  schemasFor(schema: string): SchemaEntry[];
  /** True when a DataSchema for `schema` exists but is not a valid schema (already reported). */
  brokenFor(schema: string): boolean;
}

/** A schema known by name, compiled on first use. */
interface Candidate {
  name: string;
  origin: SchemaEntry['origin'];
  engine: Engine;
  schema: JsonSchema;
  contentKey: string;
  /** The DataSchema document it comes from, to report a schema that fails to compile. */
  doc?: ValidatedDocument;
}

const DATA_SCHEMA_NAME = /^[A-Za-z]+\/[A-Za-z]+(\/v\d+)?$/;
const RESERVED = /^(deckhand|metadata)\//;

export function buildRegistry(
  documents: readonly ValidatedDocument[],
  extraSchemas: Readonly<Record<string, JsonSchema>>,
  problems: Problems,
): SchemaRegistry {
  const exact = new Map<string, Candidate>();
  const prefixed: Candidate[] = [];
  const broken = new Set<string>();

  for (const [name, schema] of Object.entries(builtinSchemas)) {
    exact.set(name, { name, origin: 'built-in', engine: 'builtin', schema, contentKey: 'built-in' });
  }
  for (const [name, schema] of Object.entries(extraSchemas)) {
    exact.set(name, { name, origin: 'built-in', engine: 'builtin', schema, contentKey: hashOf(schema) });
  }
  for (const doc of documents) {
    if (doc.schema !== DATA_SCHEMA) continue;
    const candidate = dataSchemaCandidate(doc, problems);
    if (candidate && /\/v\d+$/.test(candidate.name)) exact.set(candidate.name, candidate);
    else if (candidate) prefixed.push(candidate);
  }

  const ready = new Map<Candidate, SchemaEntry | undefined>();
  const entryOf = (c: Candidate): SchemaEntry | undefined => {
    if (ready.has(c)) return ready.get(c);
    const result = compiled(
      c.engine,
      c.origin === 'DataSchema' ? `DataSchema:${c.name}` : c.name,
      c.schema,
      c.contentKey,
    );
    let entry: SchemaEntry | undefined;
    if (result.ok) entry = { name: c.name, origin: c.origin, validate: result.validate };
    else if (c.doc) {
      reportInvalid(c.doc, result.reason, problems);
      broken.add(c.name);
    } else throw new Error(`built-in schema ${c.name} does not compile: ${result.reason}`);
    ready.set(c, entry);
    return entry;
  };

  const resolved = new Map<string, SchemaEntry[]>();
  return {
    schemasFor(schema) {
      let entries = resolved.get(schema);
      if (!entries) {
        const one = exact.get(schema);
        const candidates = [...(one ? [one] : []), ...prefixed.filter((c) => schema.startsWith(`${c.name}/`))];
        entries = candidates.map(entryOf).filter((e): e is SchemaEntry => e !== undefined);
        resolved.set(schema, entries);
      }
      return entries;
    },
    brokenFor(schema) {
      for (const name of broken) if (schema === name || schema.startsWith(`${name}/`)) return true;
      return false;
    },
  };
}

/** A DataSchema document as a schema to use, or a problem saying why it cannot be one. */
function dataSchemaCandidate(doc: ValidatedDocument, problems: Problems): Candidate | undefined {
  const name = doc.metadata.name;
  const where = { source: locatePath(doc, ['metadata', 'name']), document: docRef(doc) };
  const label = describeDocument({ schema: doc.schema, name });
  if (!isControl(doc)) return undefined; // reported by checkEnvelopes
  if (RESERVED.test(name)) {
    problems.warning(
      'IgnoredDataSchema',
      `${label}: names under deckhand/ and metadata/ are reserved; the built-in schema is used instead`,
      where,
    );
    return undefined;
  }
  if (!DATA_SCHEMA_NAME.test(name)) {
    problems.warning(
      'IgnoredDataSchema',
      `${label}: the name must be a document schema such as 'example/Kind/v1' (or 'example/Kind' for every version); this DataSchema validates nothing`,
      where,
    );
    return undefined;
  }
  if (typeof doc.data !== 'object' || doc.data === null || Array.isArray(doc.data)) return undefined; // data shape: built-in deckhand/DataSchema/v1
  const schema = doc.data as JsonSchema;
  // Checked against its meta-schema and compiled only when a document needs it (entryOf).
  return { name, origin: 'DataSchema', engine: engineForDataSchema(schema), schema, contentKey: hashOf(schema), doc };
}

function reportInvalid(doc: ValidatedDocument, reason: string, problems: Problems): void {
  problems.error(
    'InvalidDataSchema',
    `${describeDocument({ schema: doc.schema, name: doc.metadata.name })}: data is not a valid JSON Schema: ${reason}`,
    {
      source: locatePath(doc, ['data']),
      document: docRef(doc),
    },
  );
}
