// The real driver's actions against a stand-in helm binary (a shell script that records
// its argv, the values file's mode and content, and fails on demand): values travel only
// through a 0600 file in a private directory that is gone afterwards, also on failure.

import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHelmDriver } from './driver.js';
import { NO_EXIT_CODE } from './run.js';
import { baseSpec } from './test-helpers.js';

let dir: string;
let tmpRoot: string;
let helm: string;

const SCRIPT = (log: string) => `#!/usr/bin/env bash
printf '%s\\n' "$@" > "${log}/argv"
echo "$HELM_DRIVER" > "${log}/driver"
prev=""
for a in "$@"; do
  if [ "$prev" = "-f" ]; then
    stat -c %a "$a" > "${log}/mode"
    stat -c %a "$(dirname "$a")" > "${log}/dirmode"
    cp "$a" "${log}/values"
    echo "$a" > "${log}/path"
  fi
  prev="$a"
done
if [ -f "${log}/fail" ]; then
  echo 'Error: INSTALLATION FAILED: execution error at (demo-fail/templates/configmap.yaml:2:4): failing on purpose' >&2
  echo '' >&2
  exit 1
fi
echo "NAME: whatever"
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'helm-run-test-'));
  tmpRoot = path.join(dir, 'tmp');
  await mkdir(tmpRoot);
  helm = path.join(dir, 'helm');
  await writeFile(helm, SCRIPT(dir));
  await chmod(helm, 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => rm(path.join(dir, 'fail'), { force: true }));

const read = (f: string) => readFile(path.join(dir, f), 'utf8').then((s) => s.trim());

describe('real driver against a stand-in helm', () => {
  it('install: values through a 0600 file in a private dir, removed after; no value on the argv', async () => {
    const driver = createHelmDriver({ helmBinary: helm, kubeconfigPath: '/k/config', kubeContext: 'lab', tmpRoot });
    const result = await driver.install(baseSpec());
    expect(result).toMatchObject({
      ok: true,
      action: 'install',
      release: 'lab-ingress',
      namespace: 'ingress',
      exitCode: 0,
      message: '',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const file = await read('path');
    expect((await read('argv')).split('\n')).toEqual([
      'install',
      'lab-ingress',
      '/repo/charts/ingress',
      '--namespace',
      'ingress',
      '--create-namespace',
      '-f',
      file,
      '--labels',
      'slipway.dev/digest=0123456789abcdef0123456789abcdef,slipway.dev/server-side=true',
      '--server-side=true',
      '--disable-openapi-validation',
      '--wait',
      '--timeout',
      '600s',
      '--kubeconfig',
      '/k/config',
      '--kube-context',
      'lab',
    ]);
    expect(await read('argv')).not.toContain('s3cr3t-value');
    expect(await read('mode')).toBe('600');
    expect(await read('dirmode')).toBe('700');
    expect(JSON.parse(await read('values'))).toEqual({ replicas: 2, password: 's3cr3t-value' });
    expect(await read('driver')).toBe('secret');
    expect(path.dirname(path.dirname(file))).toBe(tmpRoot);
    expect(existsSync(file)).toBe(false);
    expect(await readdir(tmpRoot)).toEqual([]);
  });

  it("a failed run returns helm's exit code and its own trimmed stderr; the values file is removed too", async () => {
    await writeFile(path.join(dir, 'fail'), '');
    const driver = createHelmDriver({ helmBinary: helm, tmpRoot });
    const result = await driver.upgrade(baseSpec());
    expect(result).toMatchObject({
      ok: false,
      action: 'upgrade',
      exitCode: 1,
      message:
        'Error: INSTALLATION FAILED: execution error at (demo-fail/templates/configmap.yaml:2:4): failing on purpose',
    });
    expect(existsSync(await read('path'))).toBe(false);
    expect(await readdir(tmpRoot)).toEqual([]);
  });

  it('a missing helm binary is a failed result, not a throw', async () => {
    const driver = createHelmDriver({ helmBinary: path.join(dir, 'no-such-helm'), tmpRoot });
    const result = await driver.rollback('lab-ingress', 'ingress', 2, 30);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(NO_EXIT_CODE);
    expect(result.message).toContain('ENOENT');
    expect(await readdir(tmpRoot)).toEqual([]);
  });

  it('rollback, uninstall and test pass no values file', async () => {
    const driver = createHelmDriver({ helmBinary: helm, tmpRoot });
    await rm(path.join(dir, 'path'), { force: true });
    expect((await driver.uninstall('lab-ingress', 'ingress', 30)).ok).toBe(true);
    expect((await read('argv')).split('\n')).toEqual([
      'uninstall',
      'lab-ingress',
      '--namespace',
      'ingress',
      '--ignore-not-found',
      '--wait',
      '--timeout',
      '30s',
    ]);
    expect(existsSync(path.join(dir, 'path'))).toBe(false);
  });
});
