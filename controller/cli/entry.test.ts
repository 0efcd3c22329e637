// The CLI starts the ways a user starts it: through a bin symlink (what `npm link`, a global
// install and `npx slipway` put on PATH), not only as `node dist/controller/cli/main.js`.
// Needs the build (`npm run build`, which `npm test` runs first).

import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = path.join(ROOT, 'dist/controller/cli/main.js');

describe('the slipway entry point', () => {
  let dir = '';
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(path.join(tmpdir(), 'slipway-bin-'));
    symlinkSync(BUILT, path.join(dir, 'slipway'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs through a bin symlink on PATH and prints the usage', async () => {
    const r = await execa('slipway', ['--help'], { env: { PATH: `${dir}:${process.env.PATH}` }, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('usage: slipway COMMAND');
  });

  it('renders a site through the symlink, the same output as the file itself', async () => {
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
