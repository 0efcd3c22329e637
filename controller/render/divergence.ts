// The migration report: where Deckhand's rendering of a site differs from the correct one,
// value by value, with the substitution or layering action that makes the difference. An
// operator taking over a site that Deckhand deployed sees what production really got.
// Pure: renders the documents twice (correctly, and with compat: deckhand and its trace).

import type { Json, SourceDocument } from '../documents/types.js';
import { type Problem, Problems } from '../problems/index.js';
import { renderWithNodes } from './index.js';
import { isMapping } from './merge.js';
import { nodeName, type RenderNode } from './model.js';
import { newTrace, type QuirkTrace } from './options.js';
import { ancestorOf } from './order.js';
import { formatPath, getPath, parsePath, pathsOverlap, type Segment } from './path.js';
import { pythonStr } from './python-str.js';

export interface Divergence {
  /** The document as written (for its file:line). */
  doc: SourceDocument;
  /** Path inside `data`. */
  path: Segment[];
  /** What Deckhand rendered there, and what the documents say; undefined when absent. */
  deckhand: Json | undefined;
  correct: Json | undefined;
  /** Why they differ: the substitution or action responsible. */
  cause: string;
  /** The value is (or holds) a secret: never print it. */
  secret: boolean;
}

export interface DeckhandReport {
  divergences: Divergence[];
  /** Errors of Deckhand's rendering that the correct one does not have: Deckhand could not render the site. */
  deckhandOnlyErrors: Problem[];
}

/** Every place where Deckhand's rendering differs from the correct one (see deckhandReport). */
export function deckhandDivergences(documents: SourceDocument[]): Divergence[] {
  return deckhandReport(documents).divergences;
}

/**
 * Deckhand's rendering against the correct one: each value that differs, or, when Deckhand's
 * rendering fails where the correct one does not, its errors. Empty when the documents do not
 * render correctly either (the render errors say why).
 */
export function deckhandReport(documents: SourceDocument[]): DeckhandReport {
  const correctProblems = new Problems();
  const correctRun = renderWithNodes(documents, correctProblems);
  const trace = newTrace();
  const compatProblems = new Problems();
  const compatRun = renderWithNodes(documents, compatProblems, { compat: 'deckhand', trace });
  if (correctProblems.hasErrors) return { divergences: [], deckhandOnlyErrors: [] };
  if (compatProblems.hasErrors) return { divergences: [], deckhandOnlyErrors: compatProblems.errors };
  if (correctRun.nodes.length !== compatRun.nodes.length) return { divergences: [], deckhandOnlyErrors: [] };
  const ctx: Context = { correct: byIndex(correctRun.nodes), compat: byIndex(compatRun.nodes), trace };
  const out: Divergence[] = [];
  for (const n of compatRun.nodes) {
    const c = ctx.correct.get(n.index);
    if (n.control || n.abstract || n.replacedBy || n.failed || !c || c.failed) continue;
    for (const path of differences(c.data, n.data, [])) {
      out.push({
        doc: n.doc,
        path,
        deckhand: getPath(n.data, path),
        correct: getPath(c.data, path),
        cause: causeOf(ctx, n, path, 0),
        secret:
          n.doc.metadata.storagePolicy === 'encrypted' ||
          [...n.secretPaths, ...c.secretPaths].some((p) => pathsOverlap(p, path)),
      });
    }
  }
  return { divergences: out, deckhandOnlyErrors: [] };
}

interface Context {
  correct: Map<number, RenderNode>;
  compat: Map<number, RenderNode>;
  trace: QuirkTrace;
}

function byIndex(nodes: RenderNode[]): Map<number, RenderNode> {
  return new Map(nodes.map((n) => [n.index, n]));
}

/** Paths where two values differ: the deepest mapping key or list index that still differs. */
function differences(a: Json | undefined, b: Json | undefined, at: Segment[]): Segment[][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isMapping(a) && isMapping(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences(a[k], b[k], [...at, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((x, i) => differences(x, b[i], [...at, i]));
  return [at];
}

function differsAt(ctx: Context, n: RenderNode, path: Segment[]): boolean {
  const c = ctx.correct.get(n.index);
  return !!c && JSON.stringify(getPath(c.data, path) ?? null) !== JSON.stringify(getPath(n.data, path) ?? null);
}

function causeOf(ctx: Context, n: RenderNode, path: Segment[], depth: number): string {
  // 1. Another document's substitution wrote into a container this document shares with it.
  for (let j = path.length; j >= 1; j--) {
    const container = j === 1 ? n.data : getPath(n.data, path.slice(0, j - 1));
    if (typeof container !== 'object' || container === null) continue;
    const here = formatPath(path.slice(0, j - 1));
    const records = (ctx.trace.writes.get(container) ?? []).filter(
      (r) =>
        (r.key === undefined || r.key === path[j - 1]) &&
        (r.writer !== n || formatPath(r.key === undefined ? r.destPath : r.destPath.slice(0, -1)) !== here),
    );
    const last = records[records.length - 1];
    if (last && last.writer === n) {
      return `a YAML alias: substitution ${last.substitutionIndex} writes ${formatPath(last.destPath)}, which is the same value as this one (PyYAML shares an alias's value; the correct rendering copies it)`;
    }
    if (last) {
      return `Deckhand's shallow copy: substitution ${last.substitutionIndex} of ${nodeName(last.writer)} writes ${formatPath(last.destPath)} into a copy that shares this value, and so changes it here too`;
    }
  }
  // 2. This document's own delete removed another value equal to the one at its path.
  const deletes = ctx.trace.deletes.filter((d) => d.node === n);
  if (deletes.length > 0) {
    return deletes
      .map(
        (d) =>
          `Deckhand's delete by value: layering action ${d.actionIndex} (delete ${formatPath(d.path)}) removes the first equal value, ${d.removedAt.length ? `at ${formatPath(d.removedAt)}` : 'nothing'}, instead of the one at its path`,
      )
      .join('; ');
  }
  if (depth < 6) {
    // 3. One of its substitutions copied a value that Deckhand renders differently in the source.
    const subs = n.doc.metadata.substitutions ?? [];
    for (let i = subs.length - 1; i >= 0; i--) {
      const sub = subs[i]!;
      const dests = Array.isArray(sub.dest) ? sub.dest : [sub.dest];
      for (const dest of dests) {
        const destPath = safePath(dest.path);
        if (!destPath || !pathsOverlap(destPath, path) || destPath.length > path.length) continue;
        const src = sourceNode(ctx, sub.src.schema, sub.src.name);
        const srcPath = safePath(sub.src.path);
        if (!src || !srcPath) continue;
        const there = [...srcPath, ...path.slice(destPath.length)];
        if (differsAt(ctx, src, there)) {
          return `substitution ${i} copies ${nodeName(src)} ${formatPath(there)}, which Deckhand renders differently: ${causeOf(ctx, src, there, depth + 1)}`;
        }
        const value = getPath(src.data, srcPath);
        if (dest.pattern && value !== undefined && pythonStr(value).includes('\\')) {
          return `Deckhand's re.sub: substitution ${i} writes a value with backslashes into pattern '${dest.pattern}', and re.sub reads them as escapes`;
        }
      }
    }
    // 4. It inherited the difference from its parent.
    const parent = ancestorOf(n);
    if (parent && differsAt(ctx, parent, path))
      return `inherited from ${nodeName(parent)}: ${causeOf(ctx, parent, path, depth + 1)}`;
  }
  return "Deckhand's rendering differs here (no single substitution or action explains it)";
}

function sourceNode(ctx: Context, schema: string, name: string): RenderNode | undefined {
  let found: RenderNode | undefined;
  for (const n of ctx.compat.values()) {
    if (n.doc.schema !== schema || n.doc.metadata.name !== name || n.abstract) continue;
    found = n.replacedBy ?? n;
    if (!n.replacedBy) break;
  }
  return found;
}

function safePath(p: string): Segment[] | undefined {
  try {
    return parsePath(String(p));
  } catch {
    return undefined;
  }
}
