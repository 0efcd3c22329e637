// Parse a YAML file into document envelopes, keeping where every document and node came from.
// YAML 1.1 is used on purpose: Airship's tools read documents with PyYAML (YAML 1.1), so
// `yes`/`no`, `0755` and `<<` merge keys must mean the same thing here.

import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document as YamlDocument, type Node, type Tags } from "yaml";
import { Problems, type SourceRef } from "../problems/index.js";
import { SourceFile } from "./source-file.js";
import type { Json, Metadata, SourceDocument } from "./types.js";

/**
 * YAML 1.1 as PyYAML reads it. The `yaml` package's 1.1 schema differs in two places that
 * matter for Airship documents: it reads a lone `.` (Deckhand's "whole data" path) as a float
 * (NaN), and `y`/`n` as booleans. PyYAML needs a digit next to the dot and has no `y`/`n`.
 */
const PYYAML_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|[-+]?\.[0-9_]+)$/;
const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const pyyamlScalars = (tags: Tags): Tags =>
  tags.map((t) => {
    if (typeof t !== "object" || !("test" in t) || !(t.test instanceof RegExp)) return t;
    if (t.test.test(".")) return { ...t, test: PYYAML_FLOAT };
    if (t.test.test("y")) return { ...t, test: PYYAML_TRUE };
    if (t.test.test("n")) return { ...t, test: PYYAML_FALSE };
    return t;
  }) as Tags;

export const YAML_OPTIONS = { version: "1.1", merge: true, prettyErrors: false, customTags: pyyamlScalars } as const;

/** Every non-empty document of one file, as an envelope with its source position. */
export function parseFile(file: SourceFile, problems: Problems): SourceDocument[] {
  const lineCounter = new LineCounter();
  // An empty file gives an empty (array-like) stream.
  const yamlDocs = Array.from(parseAllDocuments(file.text, { ...YAML_OPTIONS, lineCounter }));
  const out: SourceDocument[] = [];
  for (const yamlDoc of yamlDocs) {
    if (yamlDoc.errors.length > 0) {
      for (const e of yamlDoc.errors) {
        problems.error("InvalidYAML", e.message.split("\n")[0]!, { source: { file, offset: e.pos[0] } });
      }
      continue;
    }
    const contents = yamlDoc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue; // an empty document
    const start = contents.range?.[0] ?? yamlDoc.range[0];
    const source: SourceRef = { file, offset: start };
    const value = yamlDoc.toJS({ maxAliasCount: -1 }) as unknown;
    const doc = toEnvelope(value, yamlDoc, source, problems);
    if (doc) out.push(doc);
  }
  return out;
}

/** Parse YAML text that is known to hold documents (e.g. inline documents of a Site). */
export function parseText(path: string, text: string, problems: Problems): SourceDocument[] {
  return parseFile(new SourceFile(path, text), problems);
}

function toEnvelope(value: unknown, node: YamlDocument.Parsed, source: SourceRef, problems: Problems): SourceDocument | undefined {
  if (!isPlainObject(value)) {
    problems.error("InvalidDocumentFormat", "a document must be a mapping with schema, metadata and data", { source });
    return undefined;
  }
  const { schema, metadata } = value;
  const name = isPlainObject(metadata) && typeof metadata.name === "string" ? metadata.name : undefined;
  const where = { source, document: { schema: String(schema ?? "?"), name: name ?? "?" } };
  if (typeof schema !== "string" || schema.length === 0) {
    problems.error("InvalidDocumentFormat", "the document has no `schema`", where);
    return undefined;
  }
  if (!isPlainObject(metadata)) {
    problems.error("InvalidDocumentFormat", "the document has no `metadata` mapping", where);
    return undefined;
  }
  if (name === undefined) {
    problems.error("InvalidDocumentFormat", "the document has no `metadata.name`", {
      ...where,
      source: locatePath({ source, node }, ["metadata"]),
    });
    return undefined;
  }
  if (!("data" in value)) {
    problems.error("InvalidDocumentFormat", `[${schema}] ${name}: the document has no \`data\` section`, where);
    return undefined;
  }
  return { schema, metadata: metadata as unknown as Metadata, data: value.data as Json, source, node };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The source position of a path inside a document (e.g. ["data", "values", 0]); the deepest
 * node that exists along the path, or the document's start when nothing does.
 */
export function locatePath(doc: Pick<SourceDocument, "source" | "node">, path: readonly (string | number)[]): SourceRef {
  let node: unknown = doc.node.contents;
  let offset = doc.source.offset;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      next = pair?.value;
    } else if (isSeq(node) && typeof key === "number") {
      next = node.items[key];
      const r = (next as Node | undefined)?.range;
      if (r) offset = r[0];
    } else break;
    if (next === undefined || next === null) break;
    node = next;
  }
  return { file: doc.source.file, offset };
}
