import type { RenderedDocument } from '../documents/types.js';

/** What validation reads of a rendered document. */
export type ValidatedDocument = Pick<RenderedDocument, 'schema' | 'metadata' | 'data' | 'source' | 'node'>;
