// The renderer's working view of one document: its source, its place in the layer order,
// its parent and replacement, and the data as rendered so far.

import { locatePath } from '../documents/parse.js';
import type { Json, SourceDocument } from '../documents/types.js';
import { describeDocument, type Problem, type SourceRef } from '../problems/index.js';
import type { Segment } from './path.js';

export interface RenderNode {
  doc: SourceDocument;
  /** Position in the input: the output keeps this order. */
  index: number;
  layer: string | undefined;
  /** Index of the layer in the (empty-layers-dropped) layer order; -1 for control documents. */
  layerIndex: number;
  abstract: boolean;
  control: boolean;
  parent?: RenderNode;
  /** The `replacement: true` child that takes this document's place. */
  replacedBy?: RenderNode;
  /** Data as rendered so far (starts as a copy of the document's own data). */
  data: Json;
  /** Paths in data whose values came from encrypted documents. */
  secretPaths: Segment[][];
  /** Set when the document (or one it depends on) could not be rendered. */
  failed: boolean;
}

export function nodeName(n: RenderNode): string {
  return describeDocument({ schema: n.doc.schema, name: n.doc.metadata.name, layer: n.layer });
}

/** A problem about a document, located at a path inside it (e.g. its parentSelector). */
export function problemAt(n: RenderNode, code: string, message: string, path: (string | number)[] = []): Problem {
  const source: SourceRef = path.length ? locatePath(n.doc, path) : n.doc.source;
  return {
    code,
    message,
    severity: 'error',
    source,
    document: { schema: n.doc.schema, name: n.doc.metadata.name, layer: n.layer },
  };
}
