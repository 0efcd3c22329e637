// `npm run check:imports`: fails (exit 1) on an import cycle in controller/ or an import of cli/ from outside it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliImportsFromOutside, importCycles, importGraph, type SourceText } from './import-graph.js';

function sourcesUnder(root: string): SourceText[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => ({ file: f.split(path.sep).join('/'), text: readFileSync(path.join(root, f), 'utf8') }));
}

const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled to dist/controller/checks/; the sources are read from controller/ at the repository root.
const root = path.resolve(here, '../../../controller');
const graph = importGraph(sourcesUnder(root));
const cycles = importCycles(graph);
const cliImports = cliImportsFromOutside(graph);
for (const cycle of cycles) console.error(`import cycle: ${cycle.join(' ⇄ ')}`);
for (const edge of cliImports) console.error(`imports cli/ from outside it: ${edge}`);
console.log(
  `${graph.size} files: ${cycles.length} import cycles, ${cliImports.length} imports of cli/ from outside it`,
);
process.exitCode = cycles.length + cliImports.length > 0 ? 1 : 0;
