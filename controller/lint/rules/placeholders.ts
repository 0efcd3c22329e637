// S001: values still holding the NEWSITE-CHANGEME placeholder that Airship's site templates use.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { SourceDocument } from '../../documents/types.js';
import type { Problem } from '../../problems/index.js';
import { formatPath, type PathSegment } from '../../validate/index.js';
import { PLACEHOLDER } from '../../validate/placeholders.js';
import type { Rule } from '../model.js';
import { label, problem } from './util.js';

export { PLACEHOLDER };

export const unresolvedPlaceholder: Rule = {
  code: 'S001',
  description: `A value still contains the ${PLACEHOLDER} placeholder`,
  // Only files whose text has the placeholder are walked (walking needs the node tree).
  check: (repo) =>
    repo.files.filter((f) => f.file.text.includes(PLACEHOLDER)).flatMap((f) => f.documents.flatMap(placeholdersIn)),
};

function placeholdersIn(doc: SourceDocument): Problem[] {
  const out: Problem[] = [];
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        visit(pair.value, [...path, String(key)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes(PLACEHOLDER)) {
      const offset = (node as Node).range?.[0] ?? doc.source.offset;
      out.push(
        problem(
          'S001',
          `${label(doc)} ${formatPath(path)} still holds the placeholder ${PLACEHOLDER}`,
          { file: doc.source.file, offset },
          doc,
        ),
      );
    }
  };
  visit(doc.node.contents, []);
  return out;
}
