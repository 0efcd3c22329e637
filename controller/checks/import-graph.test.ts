import { describe, expect, it } from 'vitest';
import { cliImportsFromOutside, importCycles, importGraph } from './import-graph.js';

const src = (file: string, ...imports: string[]) => ({
  file,
  text: imports.map((i, n) => `import { x${n} } from '${i}';`).join('\n'),
});

describe('import graph', () => {
  it('resolves relative .js specifiers to the .ts files beside them and drops packages', () => {
    const graph = importGraph([
      src('plan/a.ts', './b.js', '../render/c.js', 'yaml'),
      src('plan/b.ts'),
      src('render/c.ts'),
    ]);
    expect(graph.get('plan/a.ts')).toEqual(['plan/b.ts', 'render/c.ts']);
  });

  it('finds a cycle through three files and a type-only import, and nothing in a tree', () => {
    const cyclic = importGraph([
      src('a.ts', './b.js'),
      src('b.ts', './c.js'),
      { file: 'c.ts', text: "import type { A } from './a.js';" },
      src('d.ts', './a.js'),
    ]);
    expect(importCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles(importGraph([src('a.ts', './b.js'), src('b.ts'), src('d.ts', './a.js', './b.js')]))).toEqual(
      [],
    );
  });

  it('names imports of cli/ from outside it, not those inside it', () => {
    const graph = importGraph([
      src('cli/main.ts', './args.js'),
      src('cli/args.ts'),
      src('operator/run.ts', '../cli/args.js'),
    ]);
    expect(cliImportsFromOutside(graph)).toEqual(['operator/run.ts → cli/args.ts']);
  });
});
