// How the CLI prints: documents as a YAML stream or a JSON array, problems one per line.

import jsyaml from 'js-yaml';
import { PYYAML_SCHEMA } from '../documents/pyyaml-schema.js';
import type { Json } from '../documents/types.js';
import { emitYaml } from '../documents/yaml-emit.js';
import { formatProblem, type Problem } from '../problems/index.js';
import type { OutputDocument } from '../render/index.js';

export type OutputFormat = 'yaml' | 'json';

export function formatDocuments(docs: OutputDocument[], format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(docs, null, 2)}\n`;
  // Strings like "yes" or "0755" are quoted, so they stay strings for PyYAML-based readers (yaml-emit.ts);
  // a document that is not plain JSON is dumped by js-yaml with the PyYAML schema.
  return (
    docs
      .map(
        (d) =>
          '---\n' +
          (emitYaml(d as unknown as Json) ?? jsyaml.dump(d, { schema: PYYAML_SCHEMA, lineWidth: -1, noRefs: true })),
      )
      .join('') + (docs.length ? '...\n' : '')
  );
}

/** Errors and warnings to stderr, one per line, errors last so they end the output. */
export function printProblems(
  problems: readonly Problem[],
  write: (s: string) => void = (s) => process.stderr.write(s),
): void {
  const sorted = [
    ...problems.filter((p) => p.severity === 'warning'),
    ...problems.filter((p) => p.severity === 'error'),
  ];
  for (const p of sorted) write(`${formatProblem(p)}\n`);
}
