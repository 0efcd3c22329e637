// The `slipway` command as users start it (package.json `bin`, `npx slipway`, the image):
// dist/controller/ bundled by esbuild into dist/slipway/slipway.js and a few chunks that are
// loaded when a command needs them (each command is a chunk, as it is a dynamic import).
// Node's module loader resolves, reads, compiles and links every file on its own; for the
// ~110 files `slipway render` loads, that was about a fifth of the command's CPU time.
// Dependencies stay in node_modules, loaded as before (some on demand), except
// @kubernetes/client-node: its KubeConfig alone imports some 800 files (every API and model),
// which cost `slipway apply` ~0.5 s of CPU through the module loader; bundled they are one chunk.
//
//   node dist/controller/build/bundle.js        (the last step of `npm run build`)

import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PARSER_KEY_NAME, parserKey } from '../source/parse-cache.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE_DIR = join(dist, 'slipway');
const BUNDLE_ENTRY = join(BUNDLE_DIR, 'slipway.js');

/** Bundled into the chunks rather than loaded from node_modules. */
const BUNDLED = '@kubernetes/client-node';

function dependencies(packageJson: string): string[] {
  return Object.keys((JSON.parse(readFileSync(packageJson, 'utf8')) as { dependencies?: object }).dependencies ?? {});
}

async function bundle(): Promise<void> {
  // The parse cache keys entries by a hash of the parser's own files (source/parse-cache.ts),
  // which are not beside the bundle: the key of this build is given to it as a constant.
  const key = parserKey();
  if (!key) throw new Error('bundle: the parser key cannot be computed from dist/controller');
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: { slipway: join(dist, 'controller', 'cli', 'main.js') },
    outdir: BUNDLE_DIR,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Ours and the bundled package's own dependencies stay external.
    external: [
      ...dependencies(join(dist, '..', 'package.json')),
      ...dependencies(join(dist, '..', 'node_modules', BUNDLED, 'package.json')),
    ].filter((d) => d !== BUNDLED),
    define: { [PARSER_KEY_NAME]: JSON.stringify(key) },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  chmodSync(BUNDLE_ENTRY, 0o755);
}

await bundle();
