// One dependency graph over layering edges (child → parent) and substitution edges
// (destination → source), walked depth-first into a render order. A cycle is an error that
// names every document in it.

import type { Problem } from '../problems/index.js';
import { nodeName, problemAt, type RenderNode } from './model.js';
import type { SourceLookup } from './substitution.js';

/** The document a child layers onto: its parent, or the parent's replacement when there is one. */
export function ancestorOf(n: RenderNode): RenderNode | undefined {
  const p = n.parent;
  if (!p) return undefined;
  return p.replacedBy && p.replacedBy !== n ? p.replacedBy : p;
}

export function dependenciesOf(n: RenderNode, lookup: SourceLookup): RenderNode[] {
  const deps: RenderNode[] = [];
  const a = ancestorOf(n);
  if (a) deps.push(a);
  for (const sub of n.doc.metadata.substitutions ?? []) {
    const src = sub?.src ? lookup(sub.src.schema, sub.src.name) : undefined;
    // A document substituting from itself depends on itself: a cycle of one (renderOrder reports it).
    if (src && !deps.includes(src)) deps.push(src);
  }
  return deps;
}

/**
 * Every node after everything it depends on, otherwise in input order. Nodes in a cycle are
 * marked failed and reported once per cycle.
 */
export function renderOrder(nodes: RenderNode[], lookup: SourceLookup, problems: Problem[]): RenderNode[] {
  const state = new Map<RenderNode, 1 | 2>(); // 1: on the current path, 2: done
  const order: RenderNode[] = [];
  const stack: RenderNode[] = [];

  const visit = (n: RenderNode): void => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) {
      const cycle = stack.slice(stack.indexOf(n));
      for (const c of cycle) c.failed = true;
      const names = [...cycle, n].map(nodeName).join(' → ');
      problems.push(
        problemAt(cycle[0]!, 'SubstitutionDependencyCycle', `dependency cycle: ${names}`, [
          'metadata',
          'substitutions',
        ]),
      );
      return;
    }
    state.set(n, 1);
    stack.push(n);
    for (const d of dependenciesOf(n, lookup)) visit(d);
    stack.pop();
    state.set(n, 2);
    order.push(n);
  };
  for (const n of nodes) visit(n);
  return order;
}
