// In `compat: deckhand` a substitution may write into a container that other documents share
// (Deckhand's shallow copy). When what it wrote is a secret, every document holding that
// container holds the secret too: mark the path in each, so the output redacts it there as well.

import type { Json } from '../documents/types.js';
import { isMapping } from './merge.js';
import type { RenderNode } from './model.js';
import type { QuirkTrace } from './options.js';
import { pathsOverlap, type Segment } from './path.js';

export function markSharedSecrets(nodes: RenderNode[], trace: QuirkTrace): void {
  const secretKeys = new Map<object, (Segment | undefined)[]>();
  for (const [container, records] of trace.writes) {
    const keys = records.filter((r) => r.secret).map((r) => r.key);
    if (keys.length > 0) secretKeys.set(container, keys);
  }
  if (secretKeys.size === 0) return;
  for (const n of nodes) {
    const visit = (v: Json, at: Segment[]): void => {
      if (typeof v !== 'object' || v === null) return;
      for (const key of secretKeys.get(v) ?? []) mark(n, key === undefined ? at : [...at, key]);
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...at, i]));
      else if (isMapping(v)) for (const k of Object.keys(v)) visit(v[k]!, [...at, k]);
    };
    visit(n.data, []);
  }
}

function mark(n: RenderNode, path: Segment[]): void {
  if (!n.secretPaths.some((p) => pathsOverlap(p, path) && p.length <= path.length)) n.secretPaths.push(path);
}
