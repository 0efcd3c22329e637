// What may be printed of a rendered document: encrypted documents' data and every value
// substituted from one are replaced by `[redacted]` unless secrets are asked for.

import { isEncrypted, type Json, type Metadata, type RenderedDocument } from '../documents/types.js';
import { clone } from './merge.js';
import { getPath, parsePath, setPath } from './path.js';

export const REDACTED = '[redacted]';

export interface OutputDocument {
  schema: string;
  metadata: Metadata;
  data: Json;
}

export function redactDocument(doc: RenderedDocument, showSecrets = false): OutputDocument {
  const out = { schema: doc.schema, metadata: doc.metadata, data: doc.data };
  if (showSecrets) return out;
  if (isEncrypted(doc)) return { ...out, data: REDACTED };
  if (doc.secretPaths.length === 0) return out;
  let data = clone(doc.data);
  for (const p of doc.secretPaths) {
    const segments = parsePath(p);
    if (getPath(data, segments) !== undefined) data = setPath(data, segments, REDACTED);
  }
  return { ...out, data };
}
