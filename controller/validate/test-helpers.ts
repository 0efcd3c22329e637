// Test helpers: documents from YAML text, as the parser and the renderer would hand them over.
import { parseText } from '../documents/parse.js';
import type { RenderedDocument, SourceDocument } from '../documents/types.js';
import { formatProblem, Problems } from '../problems/index.js';

export function sourceDocs(path: string, text: string): SourceDocument[] {
  const problems = new Problems();
  const docs = parseText(path, text, problems);
  if (problems.items.length > 0) throw new Error(problems.items.map(formatProblem).join('\n'));
  return docs;
}

/**
 * Raw documents as if rendered unchanged (the renderer keeps source and node). `node` may be
 * a lazy getter, so it is forwarded, never copied with a spread.
 */
export function renderedDocs(path: string, text: string): RenderedDocument[] {
  return sourceDocs(path, text).map(
    (d) =>
      Object.defineProperty(
        { schema: d.schema, metadata: d.metadata, data: d.data, source: d.source, secretPaths: [] },
        'node',
        { get: () => d.node },
      ) as unknown as RenderedDocument,
  );
}

/** Apply text edits to a base document: each [from, to] must match exactly once. */
export function edit(base: string, edits: ReadonlyArray<readonly [string, string]>): string {
  let text = base;
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit: '${from}' must occur exactly once`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

export function lines(problems: Problems): string[] {
  return problems.items.map(formatProblem);
}
