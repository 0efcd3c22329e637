// P004: a DataSchema defined twice among the documents a site is rendered from.
import type { SourceDocument } from '../../documents/types.js';
import { DATA_SCHEMA } from '../../documents/types.js';
import type { Problem } from '../../problems/index.js';
import { type LintFile, type Rule, siteFiles } from '../model.js';
import { docProblem, where } from './util.js';

export const duplicateDataSchema: Rule = {
  code: 'P004',
  description: 'Duplicate Deckhand DataSchema document detected',
  check: (repo) => {
    const sets = repo.sites.some((s) => s.exists)
      ? repo.sites.filter((s) => s.exists).map((s) => siteFiles(repo, s))
      : [repo.files];
    const seen = new Set<SourceDocument>();
    const out: Problem[] = [];
    for (const files of sets) {
      for (const dup of duplicates(files)) {
        if (seen.has(dup.doc)) continue;
        seen.add(dup.doc);
        out.push(
          docProblem('P004', dup.doc, ['metadata', 'name'], `duplicates the DataSchema at ${where(dup.first.source)}`),
        );
      }
    }
    return out;
  },
};

function duplicates(files: LintFile[]): Array<{ doc: SourceDocument; first: SourceDocument }> {
  const byName = new Map<string, SourceDocument>();
  const out: Array<{ doc: SourceDocument; first: SourceDocument }> = [];
  for (const doc of files.flatMap((f) => f.documents)) {
    if (doc.schema !== DATA_SCHEMA) continue;
    const first = byName.get(doc.metadata.name);
    if (first) out.push({ doc, first });
    else byName.set(doc.metadata.name, doc);
  }
  return out;
}
