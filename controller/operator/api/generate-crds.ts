// `npm run crds`: write the CustomResourceDefinitions (crds.ts) to crds/ and
// charts/slipway/crds/. Run from anywhere; paths are relative to the repository root.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdFiles } from './crds.js';

/** The repository root: this file is controller/operator/api/ in the sources, dist/controller/operator/api/ when built. */
export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  const controllerParent = path.resolve(path.dirname(from), '..', '..', '..');
  return path.basename(controllerParent) === 'dist' ? path.dirname(controllerParent) : controllerParent;
}

export function writeCrds(root: string = repoRoot()): string[] {
  const written: string[] = [];
  for (const [rel, text] of crdFiles()) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(rel);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const rel of writeCrds()) console.log(`wrote ${rel}`);
}
