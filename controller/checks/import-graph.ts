// The import graph of controller/ and the two rules it must keep: no import cycles, and nothing
// outside cli/ imports from cli/ (the CLI is a shell over the library, never the other way round).
// Pure: reads nothing itself; `main.ts` feeds it the files.
import path from 'node:path';
import ts from 'typescript';

/** Source file (relative to controller/) → the relative files it imports. */
export type ImportGraph = Map<string, string[]>;

export interface SourceText {
  /** Path relative to controller/, with forward slashes, e.g. `plan/names.ts`. */
  file: string;
  text: string;
}

/** Builds the graph from relative imports; a `.js` specifier names the `.ts` file beside it. */
export function importGraph(sources: readonly SourceText[]): ImportGraph {
  const known = new Set(sources.map((s) => s.file));
  const graph: ImportGraph = new Map();
  for (const { file, text } of sources) {
    const targets = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle as the strongly connected components of more than one file, or a file importing itself (Tarjan). */
export function importCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Imports of `cli/` from files outside it, as "from → to". */
export function cliImportsFromOutside(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    if (from.startsWith('cli/')) continue;
    for (const to of targets) if (to.startsWith('cli/')) found.push(`${from} → ${to}`);
  }
  return found.sort();
}
