// apply/diff flags that choose how the drivers run: --drivers real|fake (fakes never silently)
// and --concurrency helm=N,ironic=M. Runs the CLI's own main() over the hostile corpus's base site.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSite } from '../hostile/base-site.js';
import { FAKE_DRIVERS_WARNING } from './driver-options.js';
import { EXIT } from './exit-codes.js';
import { main } from './main.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-driver-flags-'));
  for (const [path, text] of Object.entries(baseSite().files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const saved = Object.fromEntries(['SLIPWAY_DRIVERS', ...Object.keys(env)].map((k) => [k, process.env[k]]));
  delete process.env.SLIPWAY_DRIVERS;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('--drivers', () => {
  it('fake drivers say so on stderr, whether asked for by flag or by SLIPWAY_DRIVERS', async () => {
    const byFlag = await run(['apply', dir, '--site', 'lab', '--drivers', 'fake', '--concurrency', 'helm=2,ironic=1']);
    expect(byFlag.code, byFlag.stderr).toBe(EXIT.ok);
    expect(byFlag.stderr).toContain(FAKE_DRIVERS_WARNING);
    const byEnv = await run(['diff', dir, '--site', 'lab'], { SLIPWAY_DRIVERS: 'fake' });
    expect(byEnv.code).toBe(EXIT.diffFound);
    expect(byEnv.stderr).toContain(FAKE_DRIVERS_WARNING);
  });

  it('--drivers real wins over SLIPWAY_DRIVERS=fake (and then needs a real Ironic)', async () => {
    const r = await run(['diff', dir, '--site', 'lab', '--drivers', 'real'], {
      SLIPWAY_DRIVERS: 'fake',
      IRONIC_URL: undefined,
    });
    expect(r.stderr).not.toContain(FAKE_DRIVERS_WARNING);
  });

  it.each([[['--drivers', 'mock']], [['--concurrency', 'helm=0']], [['--concurrency', 'ironic=many']]])(
    '%j is a usage error before anything is read or touched',
    async (flags) => {
      const r = await run(['apply', dir, '--site', 'lab', ...flags]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.stderr).toMatch(/--(drivers|concurrency)/);
      expect(r.stdout).toBe('');
    },
  );
});
