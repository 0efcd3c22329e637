// Small helpers shared by the rules.
import { locatePath } from '../../documents/parse.js';
import { docRef, type SourceDocument } from '../../documents/types.js';
import { describeDocument, type Problem, type SourceRef } from '../../problems/index.js';

export function problem(code: string, message: string, source?: SourceRef, doc?: SourceDocument): Problem {
  return { code, message, severity: 'error', source, document: doc && docRef(doc) };
}

/** A problem about a place inside a document. */
export function docProblem(
  code: string,
  doc: SourceDocument,
  path: readonly (string | number)[],
  text: string,
): Problem {
  return problem(code, `${label(doc)} ${text}`, locatePath(doc, path), doc);
}

export function label(doc: SourceDocument): string {
  return describeDocument({ schema: doc.schema, name: doc.metadata.name });
}

/** True when a folder named `secrets` is on the file's path. */
export function inSecretsFolder(rel: string): boolean {
  return rel.split('/').slice(0, -1).includes('secrets');
}

export function where(ref: SourceRef): string {
  return `${ref.file.path}:${ref.file.position(ref.offset).line}`;
}
