// How to render: correctly (the default), or exactly as Airship's Deckhand did, bugs included.

import type { Json } from '../documents/types.js';
import type { RenderNode } from './model.js';
import type { Segment } from './path.js';

/**
 * `deckhand` reproduces Deckhand's output exactly, including its two documented bugs:
 * substitution copies its source value shallowly (so a later substitution writing inside the
 * copied subtree writes through into the source and every other copy of it), and a layering
 * `delete` removes the first value equal to the one at the path, wherever it is. Also as
 * Deckhand: re.sub's reading of backslash escapes in a value substituted into a pattern, and a
 * plain-text search for the pattern with `recurse`.
 */
export type RenderCompat = 'deckhand';
export const RENDER_COMPAT_MODES: readonly RenderCompat[] = ['deckhand'];

export interface RenderOptions {
  compat?: RenderCompat | undefined;
  /** Filled in compat mode with what the quirks did, for the migration report (render/divergence.ts). */
  trace?: QuirkTrace | undefined;
}

/** A substitution's write into a container (a mapping or list), which may be shared with other documents. */
export interface WriteRecord {
  writer: RenderNode;
  substitutionIndex: number;
  destPath: Segment[];
  /** The key written, or undefined when the substitution replaced patterns anywhere under the container (recurse). */
  key: Segment | undefined;
  secret: boolean;
}

/** A `delete` action that removed a value somewhere else than at its path. */
export interface MisplacedDelete {
  node: RenderNode;
  actionIndex: number;
  path: Segment[];
  removedAt: Segment[];
}

export interface QuirkTrace {
  writes: Map<object, WriteRecord[]>;
  deletes: MisplacedDelete[];
}

export function newTrace(): QuirkTrace {
  return { writes: new Map(), deletes: [] };
}

export function recordWrite(trace: QuirkTrace | undefined, container: Json | undefined, record: WriteRecord): void {
  if (!trace || typeof container !== 'object' || container === null) return;
  const list = trace.writes.get(container);
  if (list) list.push(record);
  else trace.writes.set(container, [record]);
}
