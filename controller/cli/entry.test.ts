// The CLI starts the ways a user starts it: through a bin symlink (what `npm link`, a global
// install and `npx slipway` put on PATH) to package.json's `bin`, the bundle
// (controller/build/bundle.ts), not only as `node dist/controller/cli/main.js`.
// Needs the build (`npm run build`, which `npm test` runs first).

import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = path.join(ROOT, 'dist/controller/cli/main.js');
const BIN = path.join(
  ROOT,
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: { slipway: string } }).bin.slipway,
);

describe('the slipway entry point', () => {
  let dir = '';
  beforeAll(() => {
    for (const f of [BUILT, BIN]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(path.join(tmpdir(), 'slipway-bin-'));
    symlinkSync(BIN, path.join(dir, 'slipway'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs through a bin symlink on PATH and prints the usage', async () => {
    const r = await execa('slipway', ['--help'], { env: { PATH: `${dir}:${process.env.PATH}` }, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('usage: slipway COMMAND');
  });

  it('renders a site through the symlink to the bundle, the same output as the unbundled modules', async () => {
    const args = ['render', path.join(ROOT, 'site-manifests'), '--site', 'lab', '-o', 'json'];
    const [viaLink, viaFile] = await Promise.all([
      execa(path.join(dir, 'slipway'), args, { reject: false }),
      execa(process.execPath, [BUILT, ...args], { reject: false }),
    ]);
    expect(viaLink.exitCode).toBe(0);
    expect(JSON.parse(viaLink.stdout).length).toBeGreaterThan(10);
    expect(viaLink.stdout).toBe(viaFile.stdout);
  });

  it('runs as `npx slipway` from the repository', async () => {
    const r = await execa('npx', ['--no-install', 'slipway', '--help'], { cwd: ROOT, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('usage: slipway COMMAND');
  });
});
