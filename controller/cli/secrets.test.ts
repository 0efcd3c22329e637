// Every command over a site full of secrets (BMC password, a token in chart values, a
// password inside a BMC address, a token as a release name, data inherited from an
// encrypted parent): no output of any of them holds a secret value.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSite } from '../hostile/base-site.js';
import { main, scrubbedIO } from './main.js';

let dir: string;
let secrets: string[];

beforeAll(async () => {
  const site = baseSite();
  const f = site.files;
  // A password inside a BMC address (a valid one), and the token as the release name.
  f['site/lab/baremetal/nodes.yaml'] = f['site/lab/baremetal/nodes.yaml']!.replace(
    '/redfish/v1/Systems/1',
    '/redfish/v1/Systems/PASSWORD',
  ).replace(
    '      dest: {path: .bmc.credentials.password}',
    '      dest: {path: .bmc.credentials.password}\n    - src: {schema: deckhand/Passphrase/v1, name: bmc-password, path: .}\n      dest: {path: .bmc.address, pattern: PASSWORD}',
  );
  f['site/lab/software/app.yaml'] = f['site/lab/software/app.yaml']!.replace(
    '      dest: {path: .values.token}',
    "      dest: [{path: .values.token}, {path: .release}, {path: '.values.nested.list[0]'}]",
  );
  dir = await mkdtemp(join(tmpdir(), 'slipway-secrets-'));
  for (const [path, text] of Object.entries(f)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  secrets = site.secrets;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let out = '';
  const io = scrubbedIO({ stdout: (s) => void (out += s), stderr: (s) => void (out += s) });
  try {
    const code = await main(
      argv.map((a) => a.replace('REPO', dir)),
      io,
    );
    return { code, out };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const FAKE = { SLIPWAY_DRIVERS: 'fake' };

describe('no command prints a secret', () => {
  it.each([
    [['render', 'REPO', '--site', 'lab'], 0],
    [['render', 'REPO', '--site', 'lab', '-o', 'json'], 0],
    [['validate', 'REPO', '--site', 'lab'], 0],
    [['lint', 'REPO'], 0],
    [['plan', 'REPO', '--site', 'lab'], 0],
    [['plan', 'REPO', '--site', 'lab', '-o', 'json'], 0],
    [['plan', 'REPO', '--site', 'lab', '--graph', 'mermaid'], 0],
    [['plan', 'REPO', '--site', 'lab', '--graph', 'dot'], 0],
    [['site', 'diff', 'lab', 'lab', '--repo', 'REPO'], 0],
    [['diff', 'REPO', '--site', 'lab'], 2],
    [['apply', 'REPO', '--site', 'lab', '--dry-run'], 0],
    [['apply', 'REPO', '--site', 'lab'], 0],
    [['apply', 'REPO', '--site', 'lab', '-o', 'json'], 0],
  ] as const)('%j', async (argv, want) => {
    const { code, out } = await run([...argv], FAKE);
    expect(out.length).toBeGreaterThan(0);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(code, out).toBe(want);
  });

  it('the documents do hold the secrets (the test would see them), and --show-secrets prints them', async () => {
    const { out } = await run(['render', 'REPO', '--site', 'lab', '--show-secrets']);
    for (const s of secrets) expect(out).toContain(s);
  });
});
