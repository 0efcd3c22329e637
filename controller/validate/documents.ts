// Validation of rendered documents' `data` against every schema that applies to them.

import { locatePath } from '../documents/parse.js';
import { docRef } from '../documents/types.js';
import { yamlLib } from '../documents/yaml-lib.js';
import { describeDocument, type Problems } from '../problems/index.js';
import { describeError, formatPath, pruneBranchErrors } from './errors.js';
import { checkPlaceholders } from './placeholders.js';
import { buildRegistry, type SchemaEntry } from './registry.js';
import type { JsonSchema } from './schemas/index.js';
import type { ValidatedDocument } from './validated-document.js';

export interface ValidateOptions {
  /**
   * More draft-07 schemas by the document schema they validate, e.g. for a kind another
   * stage reads; one with the name of a built-in replaces it. A site's DataSchema of the
   * same name still takes precedence.
   */
  extraSchemas?: Readonly<Record<string, JsonSchema>>;
}

/**
 * What validation reads of a document: a RenderedDocument, or a raw SourceDocument (lint
 * validates site definitions before rendering).
 */
export type { ValidatedDocument } from './validated-document.js';

export function validateDocuments(
  rendered: readonly ValidatedDocument[],
  problems: Problems,
  options: ValidateOptions = {},
): void {
  checkPlaceholders(rendered, problems);
  const registry = buildRegistry(rendered, options.extraSchemas ?? {}, problems);
  const unknown = new Map<string, ValidatedDocument[]>();
  for (const doc of rendered) {
    const entries = registry.schemasFor(doc.schema);
    if (entries.length === 0) {
      if (registry.brokenFor(doc.schema)) continue;
      const list = unknown.get(doc.schema);
      if (list) list.push(doc);
      else unknown.set(doc.schema, [doc]);
      continue;
    }
    for (const entry of entries) validateOne(doc, entry, problems);
  }
  for (const [schema, docs] of unknown) {
    const first = docs[0]!;
    const count =
      docs.length === 1
        ? `${describeDocument({ schema, name: first.metadata.name })} is`
        : `${docs.length} documents of schema ${schema} (first: ${first.metadata.name}) are`;
    problems.warning('UnknownDocumentSchema', `no schema is known for ${schema}: ${count} not validated`, {
      source: locatePath(first, ['schema']),
      document: docRef(first),
    });
  }
}

function validateOne(doc: ValidatedDocument, entry: SchemaEntry, problems: Problems): void {
  if (entry.validate(doc.data)) return;
  const label = describeDocument({ schema: doc.schema, name: doc.metadata.name });
  const by = entry.origin === 'built-in' ? `built-in schema ${entry.name}` : `DataSchema ${entry.name}`;
  for (const error of pruneBranchErrors(entry.validate.errors ?? [])) {
    const { path, text } = describeError(error, ['data'], doc.data);
    const inherited = writtenIn(doc, path)
      ? ''
      : '; the value is not written in this document: it comes from a parent or a substitution';
    problems.error('SchemaValidationError', `${label}: ${formatPath(path)} ${text} (${by}${inherited})`, {
      source: locatePath(doc, path),
      document: docRef(doc),
    });
  }
}

/** Whether `path` exists in the document's own source (rendering may have brought it in). */
function writtenIn(doc: ValidatedDocument, path: readonly (string | number)[]): boolean {
  const { isMap, isScalar, isSeq } = yamlLib(); // loaded only when there is an error to explain
  let node: unknown = doc.node.contents;
  for (const key of path) {
    if (isMap(node))
      node = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key))?.value;
    else if (isSeq(node) && typeof key === 'number') node = node.items[key];
    else return false;
    if (node === undefined) return false;
  }
  return true;
}
