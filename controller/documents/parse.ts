// Parse a YAML file into document envelopes, keeping where every document came from.
//
// Values are read with js-yaml and a PyYAML-compatible schema (fast: the render benchmark
// reads 50,000 documents). The `yaml` package's node tree, which knows where every node is,
// is built only when something asks for a position inside a document (an error, a lint).

import jsyaml from 'js-yaml';
import type { Node, Tags, Document as YamlDocument } from 'yaml';
import { aliasExpansionTooLarge, documentTooLarge } from '../limits/index.js';
import type { Problems, SourceRef } from '../problems/index.js';
import { findDuplicateKeys, isDuplicateKeyError } from './duplicate-keys.js';
import { PYYAML_SCHEMA } from './pyyaml-schema.js';
import { SourceFile } from './source-file.js';
import { type Chunk, splitDocuments } from './split.js';
import type { Json, Metadata, SourceDocument } from './types.js';
import { yamlLib } from './yaml-lib.js';

/**
 * Options for the `yaml` package when it reads or edits site documents (positions, `site new`).
 * Its 1.1 schema differs from PyYAML in two ways that matter here: it reads a lone `.`
 * (Deckhand's "whole data" path) as NaN, and `y`/`n` as booleans. Swap in PyYAML's rules.
 */
export const YAML_DOCUMENT_OPTIONS = {
  version: '1.1' as const,
  uniqueKeys: false,
  customTags: (tags: Tags): Tags =>
    tags.map((t) => {
      if (typeof t !== 'object' || !('test' in t) || !(t.test instanceof RegExp)) return t;
      if (t.test.test('.')) return { ...t, test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|[-+]?\.[0-9_]+)$/ };
      if (t.test.test('y')) return { ...t, test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/ };
      if (t.test.test('n')) return { ...t, test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/ };
      return t;
    }) as Tags,
};

/** Every non-empty document of one file, as an envelope with its source position. */
export function parseFile(file: SourceFile, problems: Problems): SourceDocument[] {
  const out: SourceDocument[] = [];
  for (const chunk of splitDocuments(file.text)) {
    const text = chunk.text.replace(/^%.*$/gm, (d) => ' '.repeat(d.length)); // directives: we always read 1.1
    let value: unknown;
    const tooLarge = documentTooLarge(text);
    if (tooLarge) {
      problems.error(tooLarge.code, tooLarge.message, {
        source: { file, offset: chunk.offset + firstContent(chunk.text) },
      });
      continue;
    }
    try {
      value = loadChunk(text, file, chunk, problems);
    } catch (e) {
      problems.error('InvalidYAML', yamlMessage(e), { source: { file, offset: chunk.offset + markOffset(e) } });
      continue;
    }
    const bomb = aliasExpansionTooLarge(text, value);
    if (bomb) {
      problems.error(bomb.code, bomb.message, { source: { file, offset: chunk.offset + bomb.offset } });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document
    const source: SourceRef = { file, offset: chunk.offset + firstContent(chunk.text) };
    const located = withLazyNode({ source }, chunk);
    const doc = toEnvelope(value, located, problems);
    if (doc) out.push(withChunk(withLazyNode(doc, chunk), chunk));
  }
  return out;
}

/** The YAML document (part of its file) each parsed document came from: what a parse cache stores. */
const chunks = new WeakMap<SourceDocument, Chunk>();

function withChunk(doc: SourceDocument, chunk: Chunk): SourceDocument {
  chunks.set(doc, chunk);
  return doc;
}

export function chunkOf(doc: SourceDocument): Chunk | undefined {
  return chunks.get(doc);
}

/** A parsed document rebuilt from its envelope and chunk (as parseFile made it), e.g. from a cache. */
export function documentFromChunk(
  envelope: Omit<SourceDocument, 'node' | 'source'>,
  sourceOffset: number,
  file: SourceFile,
  chunk: Chunk,
): SourceDocument {
  return withChunk(withLazyNode({ ...envelope, source: { file, offset: sourceOffset } }, chunk), chunk);
}

/** Parse YAML text that is known to hold documents (e.g. inline documents of a Site). */
export function parseText(path: string, text: string, problems: Problems): SourceDocument[] {
  return parseFile(new SourceFile(path, text), problems);
}

/**
 * One document's value. A repeated mapping key is read as PyYAML does (the last wins), with a
 * warning naming both lines; see duplicate-keys.ts.
 */
function loadChunk(text: string, file: SourceFile, chunk: Chunk, problems: Problems): unknown {
  try {
    return jsyaml.load(text, { schema: PYYAML_SCHEMA, json: false });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
  }
  const value = jsyaml.load(text, { schema: PYYAML_SCHEMA, json: true });
  for (const dup of findDuplicateKeys(text, YAML_DOCUMENT_OPTIONS)) {
    const firstLine = file.position(chunk.offset + dup.first).line;
    problems.warning(
      'DuplicateMappingKey',
      `key '${dup.key}' is repeated in the same mapping (first at line ${firstLine}); the value here wins, as PyYAML reads it`,
      { source: { file, offset: chunk.offset + dup.second } },
    );
  }
  return value;
}

function yamlMessage(e: unknown): string {
  if (e instanceof jsyaml.YAMLException) return e.reason || e.message.split('\n')[0]!;
  return e instanceof Error ? e.message : String(e);
}

function markOffset(e: unknown): number {
  return e instanceof jsyaml.YAMLException && e.mark ? e.mark.position : 0;
}

/** Offset of the first line that is not blank or a comment. */
function firstContent(text: string): number {
  const m = /^(?:[ \t]*(?:#.*)?(?:\r?\n|$))*/.exec(text);
  const at = m ? m[0].length : 0;
  const lead = /^[ \t]*/.exec(text.slice(at));
  return at + (lead ? lead[0].length : 0);
}

/** `node` is built on first use: the chunk is parsed by `yaml` with offsets relative to the file. */
function withLazyNode<T extends object>(doc: T, chunk: Chunk): T & Pick<SourceDocument, 'node'> {
  let node: YamlDocument.Parsed | undefined;
  return Object.defineProperty(doc, 'node', {
    enumerable: false,
    get() {
      if (!node) {
        const pad = chunk.offset > 0 ? `${' '.repeat(chunk.offset - 1)}\n` : '';
        node = yamlLib().parseDocument(
          pad + chunk.text.replace(/^%.*$/gm, (d) => ' '.repeat(d.length)),
          YAML_DOCUMENT_OPTIONS,
        );
      }
      return node;
    },
  }) as T & Pick<SourceDocument, 'node'>;
}

function toEnvelope(
  value: unknown,
  located: Pick<SourceDocument, 'source' | 'node'>,
  problems: Problems,
): Omit<SourceDocument, 'node'> | undefined {
  const source = located.source;
  if (!isPlainObject(value)) {
    problems.error('InvalidDocumentFormat', 'a document must be a mapping with schema, metadata and data', { source });
    return undefined;
  }
  const { schema, metadata } = value;
  const name = isPlainObject(metadata) && typeof metadata.name === 'string' ? metadata.name : undefined;
  const where = { source, document: { schema: String(schema ?? '?'), name: name ?? '?' } };
  if (typeof schema !== 'string' || schema.length === 0) {
    problems.error('InvalidDocumentFormat', 'the document has no `schema`', where);
    return undefined;
  }
  if (!isPlainObject(metadata)) {
    problems.error('InvalidDocumentFormat', 'the document has no `metadata` mapping', where);
    return undefined;
  }
  if (name === undefined) {
    problems.error('InvalidDocumentFormat', 'the document has no `metadata.name`', {
      ...where,
      source: locatePath(located, ['metadata']),
    });
    return undefined;
  }
  if (!('data' in value)) {
    problems.error('InvalidDocumentFormat', `[${schema}] ${name}: the document has no \`data\` section`, where);
    return undefined;
  }
  return { schema, metadata: metadata as unknown as Metadata, data: (value.data ?? null) as Json, source };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The source position of a path inside a document (e.g. ["data", "values", 0]); the deepest
 * node that exists along the path, or the document's start when nothing does.
 */
export function locatePath(
  doc: Pick<SourceDocument, 'source' | 'node'>,
  path: readonly (string | number)[],
): SourceRef {
  const { isMap, isScalar, isSeq } = yamlLib();
  let node: unknown = doc.node.contents;
  let offset = doc.source.offset;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      next = pair?.value;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
      const r = (next as Node | undefined)?.range;
      if (r) offset = r[0];
    } else break;
    if (next === undefined || next === null) break;
    node = next;
  }
  return { file: doc.source.file, offset };
}
