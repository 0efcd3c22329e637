// P008: a document's layer is the top folder it is in (global/, type/, site/).
import type { Rule } from '../model.js';
import { docProblem } from './util.js';

export const layerMismatch: Rule = {
  code: 'P008',
  description: 'Document metadata.layeringDefinition.layer does not match its location in the site manifests tree',
  check: (repo) =>
    repo.files.flatMap((f) => {
      const expected = f.rel.split('/')[0]!;
      return f.documents
        .filter((d) => {
          const layer = d.metadata.layeringDefinition?.layer;
          return typeof layer === 'string' && layer !== expected;
        })
        .map((d) =>
          docProblem(
            'P008',
            d,
            ['metadata', 'layeringDefinition', 'layer'],
            `has layer "${d.metadata.layeringDefinition!.layer}" but is in ${expected}/ (expected layer "${expected}")`,
          ),
        );
    }),
};
