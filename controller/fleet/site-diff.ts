// `slipway site diff A B`: how two rendered sites differ, per document and data path.

import { type ValueChange, valuesDiff } from '../diff/values-diff.js';
import type { RenderedDocument } from '../documents/types.js';
import { redactDocument } from '../render/redact.js';

export interface DocumentDifference {
  schema: string;
  name: string;
  /** only-a / only-b: the document exists in one site; changed: its data differs. */
  kind: 'only-a' | 'only-b' | 'changed';
  changes: ValueChange[];
}

/**
 * Documents are matched by (schema, name), where a site's own name standing as a word in a
 * document name counts as the same (edge-01-node-01 ~ edge-02-node-01); data is compared after
 * redaction unless secrets are asked for.
 */
export function diffSites(
  a: RenderedDocument[],
  b: RenderedDocument[],
  showSecrets = false,
  names?: { a: string; b: string },
): DocumentDifference[] {
  const generic = (site: string | undefined) => (name: string) =>
    site
      ? name.replace(
          new RegExp(`(?<![A-Za-z0-9])${site.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g'),
          '<site>',
        )
      : name;
  const [ga, gb] = [generic(names?.a), generic(names?.b)];
  const keyA = (d: RenderedDocument) => `${d.schema}\u0000${ga(d.metadata.name)}`;
  const keyB = (d: RenderedDocument) => `${d.schema}\u0000${gb(d.metadata.name)}`;
  const bByKey = new Map(b.map((d) => [keyB(d), d]));
  const aKeys = new Set(a.map(keyA));
  const out: DocumentDifference[] = [];
  for (const da of a) {
    const db = bByKey.get(keyA(da));
    if (!db) {
      out.push({ schema: da.schema, name: da.metadata.name, kind: 'only-a', changes: [] });
      continue;
    }
    const changes = valuesDiff(redactDocument(da, showSecrets).data, redactDocument(db, showSecrets).data);
    if (changes.length) out.push({ schema: da.schema, name: da.metadata.name, kind: 'changed', changes });
  }
  for (const db of b)
    if (!aKeys.has(keyB(db))) out.push({ schema: db.schema, name: db.metadata.name, kind: 'only-b', changes: [] });
  return out;
}
