// Values that still hold the NEWSITE-CHANGEME placeholder (Airship's site templates, and
// `slipway site new`): a rendered site is not valid until a person has filled them in.

import { locatePath } from '../documents/parse.js';
import { docRef, type Json } from '../documents/types.js';
import { describeDocument, type Problems } from '../problems/index.js';
import { formatPath, type PathSegment } from './errors.js';
import type { ValidatedDocument } from './validated-document.js';

export const PLACEHOLDER = 'NEWSITE-CHANGEME';

export function checkPlaceholders(docs: readonly ValidatedDocument[], problems: Problems): void {
  for (const doc of docs) {
    const visit = (v: Json, path: PathSegment[]): void => {
      if (typeof v === 'string') {
        if (v.includes(PLACEHOLDER)) {
          problems.error(
            'UnresolvedPlaceholder',
            `${describeDocument({ schema: doc.schema, name: doc.metadata.name })}: ${formatPath(path)} still holds ${PLACEHOLDER}`,
            {
              source: locatePath(doc, path),
              document: docRef(doc),
            },
          );
        }
      } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
    };
    visit(doc.data, ['data']);
  }
}
