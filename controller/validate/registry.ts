// Which schemas validate a document: Slipway's built-in schemas, schemas the caller adds,
// and the site's own deckhand/DataSchema/v1 documents. Deckhand's matching rule: a
// DataSchema named `a/B/v1` validates documents whose schema is `a/B/v1`; one named without
// a version (`a/B`) validates every version (`a/B/...`).

import { locatePath } from "../documents/parse.js";
import { DATA_SCHEMA, docRef, isControl, type RenderedDocument } from "../documents/types.js";
import { describeDocument, type Problems } from "../problems/index.js";
import { compiled } from "./compiled.js";
import { engineForDataSchema, type ValidateFunction } from "./engines.js";
import { builtinSchemas, type JsonSchema } from "./schemas/index.js";

export interface SchemaEntry {
  /** The schema's name: the document schema (or schema prefix) it validates. */
  name: string;
  origin: "built-in" | "DataSchema";
  validate: ValidateFunction;
}

export interface SchemaRegistry {
  /** Every schema that applies to documents of `schema`; empty when none is known. */
  schemasFor(schema: string): SchemaEntry[];
  /** True when a DataSchema for `schema` exists but could not be compiled (already reported). */
  brokenFor(schema: string): boolean;
}

const DATA_SCHEMA_NAME = /^[A-Za-z]+\/[A-Za-z]+(\/v\d+)?$/;
const RESERVED = /^(deckhand|metadata)\//;

export function buildRegistry(documents: readonly RenderedDocument[], extraSchemas: Readonly<Record<string, JsonSchema>>, problems: Problems): SchemaRegistry {
  const exact = new Map<string, SchemaEntry>();
  const prefixed: SchemaEntry[] = [];
  const broken: string[] = [];

  for (const [name, schema] of Object.entries({ ...builtinSchemas, ...extraSchemas })) {
    const result = compiled("builtin", name, schema, name in extraSchemas ? undefined : "built-in");
    if (!result.ok) throw new Error(`built-in schema ${name} does not compile: ${result.reason}`);
    exact.set(name, { name, origin: "built-in", validate: result.validate });
  }

  for (const doc of documents) {
    if (doc.schema !== DATA_SCHEMA) continue;
    const entry = dataSchemaEntry(doc, problems);
    if (entry === "broken") broken.push(doc.metadata.name);
    if (!entry || entry === "broken") continue;
    if (/\/v\d+$/.test(entry.name)) exact.set(entry.name, entry);
    else prefixed.push(entry);
  }

  const resolved = new Map<string, SchemaEntry[]>();
  return {
    schemasFor(schema) {
      let entries = resolved.get(schema);
      if (!entries) {
        const one = exact.get(schema);
        entries = [...(one ? [one] : []), ...prefixed.filter((e) => schema.startsWith(`${e.name}/`))];
        resolved.set(schema, entries);
      }
      return entries;
    },
    brokenFor(schema) {
      return broken.some((name) => schema === name || schema.startsWith(`${name}/`));
    },
  };
}

/** A DataSchema document as a compiled schema, or a problem saying why it cannot be one. */
function dataSchemaEntry(doc: RenderedDocument, problems: Problems): SchemaEntry | "broken" | undefined {
  const name = doc.metadata.name;
  const where = { source: locatePath(doc, ["metadata", "name"]), document: docRef(doc) };
  const label = describeDocument({ schema: doc.schema, name });
  if (!isControl(doc)) return undefined; // reported by checkEnvelopes
  if (RESERVED.test(name)) {
    problems.warning("IgnoredDataSchema", `${label}: names under deckhand/ and metadata/ are reserved; the built-in schema is used instead`, where);
    return undefined;
  }
  if (!DATA_SCHEMA_NAME.test(name)) {
    problems.warning("IgnoredDataSchema", `${label}: the name must be a document schema such as 'example/Kind/v1' (or 'example/Kind' for every version); this DataSchema validates nothing`, where);
    return undefined;
  }
  if (typeof doc.data !== "object" || doc.data === null || Array.isArray(doc.data)) return undefined; // data shape: built-in deckhand/DataSchema/v1
  const data = doc.data as JsonSchema;
  const result = compiled(engineForDataSchema(data), `DataSchema:${name}`, data);
  if (!result.ok) {
    problems.error("InvalidDataSchema", `${label}: data is not a valid JSON Schema: ${result.reason}`, {
      source: locatePath(doc, ["data"]),
      document: docRef(doc),
    });
    return "broken";
  }
  return { name, origin: "DataSchema", validate: result.validate };
}
