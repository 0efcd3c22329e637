// Authenticated git chart sources, end to end through the CLI (`slipway plan`), against real
// servers on 127.0.0.1 that this file starts and stops: git http-backend behind https with
// basic auth and a certificate from a throwaway CA, and Debian's sshd with a throwaway host
// key and one authorized key. The right credentials plan with the served chart's content; a
// wrong password, a wrong key, an unknown or changed host key and an untrusted CA each stop
// with a named problem at the chart document's file:line, within bounded time, with nothing
// left in the cache and no secret in any output or cache name.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDocuments } from '../controller/operator/reconcile/sample-site.js';
import { chartFiles, git, writeTree } from '../controller/source/test-servers.js';
import {
  type HttpsGitServer,
  makeSshKey,
  makeTestPki,
  type SshGitServer,
  type SshKeyPair,
  startHttpsGitServer,
  startSshGitServer,
} from './support/git-servers.js';

// This branch's ports (127.0.0.1 only).
const HTTPS_PORT = 18400;
const SSH_PORT = 18401;
const LIMIT_MS = 30_000;

const repoRoot = path.resolve(new URL('..', import.meta.url).pathname);
const CLI = path.join(repoRoot, 'dist/controller/cli/main.js');
const USER = 'slipway-e2e';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const MESSAGE = `served-over-auth-${randomBytes(4).toString('hex')}`;

let work = '';
let https: HttpsGitServer | undefined;
let sshd: SshGitServer | undefined;
let key: SshKeyPair;
let otherKey: SshKeyPair;
let commit = '';
const figures: Record<string, number> = {};
const messages: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'slipway-gitauth-'));
  const clone = path.join(work, 'clone');
  await writeTree(clone, chartFiles('charts/authapp', 'authapp', MESSAGE));
  await git(clone, 'init', '-q', '-b', 'main');
  await git(clone, 'add', '.');
  await git(clone, 'commit', '-q', '-m', 'chart');
  commit = await git(clone, 'rev-parse', 'HEAD');
  await git(work, 'clone', '-q', '--bare', clone, path.join(work, 'git', 'charts.git'));
  [key, otherKey] = await Promise.all([makeSshKey('right'), makeSshKey('wrong')]);
  https = await startHttpsGitServer({
    root: path.join(work, 'git'),
    username: USER,
    password: PASSWORD,
    port: HTTPS_PORT,
  });
  sshd = await startSshGitServer({ port: SSH_PORT, authorizedKey: key.publicKey });
  await writeFile(path.join(work, 'ca.crt'), https.caCert);
  await writeFile(path.join(work, 'other-ca.crt'), (await makeTestPki()).caCert);
  await writeFile(path.join(work, 'credentials'), `https://${USER}:${PASSWORD}@127.0.0.1:${HTTPS_PORT}\n`, {
    mode: 0o600,
  });
  await writeFile(path.join(work, 'wrong-credentials'), `https://${USER}:not-${PASSWORD}@127.0.0.1:${HTTPS_PORT}\n`);
  await writeFile(path.join(work, 'id'), key.privateKey, { mode: 0o600 });
  await writeFile(path.join(work, 'wrong-id'), otherKey.privateKey, { mode: 0o600 });
  await writeFile(path.join(work, 'known_hosts'), sshd.knownHosts);
  await writeFile(path.join(work, 'empty_known_hosts'), '');
  // The same host and port, another key: what a man in the middle would show.
  await writeFile(
    path.join(work, 'wrong_known_hosts'),
    `[127.0.0.1]:${SSH_PORT} ${otherKey.publicKey.split(' ').slice(0, 2).join(' ')}\n`,
  );
  await mkdir(path.join(work, 'home'), { recursive: true });
});

afterAll(async () => {
  await https?.close();
  await sshd?.close();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`git auth figures: ${JSON.stringify(figures)}\n${messages.join('\n')}`);
});

/** A one-chart site whose chart comes from `source`; returns its folder and the line `source:` is on. */
async function siteWith(name: string, source: Record<string, unknown>): Promise<{ dir: string; line: number }> {
  const dir = path.join(work, 'sites', name);
  const docs = testDocuments({ name: 'gitauth', namespace: 'gitauth-e2e', releases: 1, nodes: 0 });
  const chart = docs.find((d) => d.schema === 'armada/Chart/v1') as { data: Record<string, unknown> };
  chart.data.chart_name = 'authapp';
  chart.data.source = source;
  const text = docs.map((d) => `---\n${dump(d)}`).join('');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'site.yaml'), text);
  const lines = text.split('\n');
  const chartAt = lines.indexOf('schema: armada/Chart/v1');
  return { dir, line: chartAt + 1 };
}

async function plan(dir: string, cache: string, flags: string[]) {
  const t0 = Date.now();
  const r = await execa('node', [CLI, 'plan', dir, '-o', 'json', ...flags], {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH!, HOME: path.join(work, 'home'), SLIPWAY_CACHE: cache, LC_ALL: 'C' },
    timeout: 120_000,
  });
  return { ...r, ms: Date.now() - t0 };
}

const httpsSource = () => ({
  type: 'git',
  location: `${https!.url}/charts.git`,
  reference: 'main',
  subpath: 'charts/authapp',
});
const sshSource = () => ({
  type: 'git',
  location: `${sshd!.url}${path.join(work, 'git', 'charts.git')}`,
  reference: 'main',
  subpath: 'charts/authapp',
  auth_method: 'SSH',
});

/** Every path below dir (relative), and whether any file or name holds one of the needles. */
async function scan(dir: string, needles: string[]): Promise<{ paths: string[]; leaks: string[] }> {
  const paths: string[] = [];
  const leaks: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      paths.push(path.relative(dir, p));
      if (needles.some((n) => e.name.includes(n))) leaks.push(`name ${p}`);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const bytes = await readFile(p);
        if (needles.some((n) => bytes.includes(n))) leaks.push(`content ${p}`);
      }
    }
  };
  await walk(dir);
  return { paths, leaks };
}

const keyBody = (k: SshKeyPair) => k.privateKey.split('\n')[1]!; // a line of the key's base64
const secrets = () => [PASSWORD, keyBody(key), keyBody(otherKey)];

/** Whether the plan's JSON names the commit the chart was fetched at. */
function chartCommit(stdout: string): boolean {
  return stdout.includes(commit);
}

describe('git chart sources with credentials', () => {
  it('https with basic auth and the CA from --git-ca-file: plans with the served chart', async () => {
    const site = await siteWith('https-ok', httpsSource());
    const cache = path.join(work, 'cache-https-ok');
    const r = await plan(site.dir, cache, [
      '--git-credentials',
      path.join(work, 'credentials'),
      '--git-ca-file',
      path.join(work, 'ca.crt'),
    ]);
    figures.httpsPlanMs = r.ms;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(chartCommit(r.stdout)).toBe(true);
    const values = (await scan(cache, [])).paths.filter((p) =>
      p.endsWith(path.join('charts', 'authapp', 'values.yaml')),
    );
    expect(values).toHaveLength(1);
    expect(await readFile(path.join(cache, values[0]!), 'utf8')).toContain(MESSAGE);
    expect(https!.requests.some((l) => l.endsWith(' 401'))).toBe(true); // git asked without, then with credentials
    expect(https!.requests.some((l) => l.includes('/charts.git/') && l.endsWith(' 200'))).toBe(true);
    const s = await scan(cache, secrets());
    expect(s.leaks).toEqual([]);
    expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
  });

  it('SLIPWAY_GIT_CREDENTIALS / SLIPWAY_GIT_CA_FILE do the same as the flags', async () => {
    const site = await siteWith('https-env', httpsSource());
    const cache = path.join(work, 'cache-https-env');
    const t0 = Date.now();
    const r = await execa('node', [CLI, 'plan', site.dir, '-o', 'json'], {
      reject: false,
      extendEnv: false,
      env: {
        PATH: process.env.PATH!,
        HOME: path.join(work, 'home'),
        SLIPWAY_CACHE: cache,
        SLIPWAY_GIT_CREDENTIALS: path.join(work, 'credentials'),
        SLIPWAY_GIT_CA_FILE: path.join(work, 'ca.crt'),
      },
    });
    figures.httpsEnvPlanMs = Date.now() - t0;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(chartCommit(r.stdout)).toBe(true);
  });

  it('ssh with auth_method SSH, the key and known_hosts: plans with the served chart', async () => {
    const site = await siteWith('ssh-ok', sshSource());
    const cache = path.join(work, 'cache-ssh-ok');
    const r = await plan(site.dir, cache, [
      '--git-ssh-key',
      path.join(work, 'id'),
      '--git-known-hosts',
      path.join(work, 'known_hosts'),
    ]);
    figures.sshPlanMs = r.ms;
    expect(r.exitCode, `${r.stderr}\nsshd: ${sshd!.log()}`).toBe(0);
    expect(chartCommit(r.stdout)).toBe(true);
    const values = (await scan(cache, [])).paths.filter((p) =>
      p.endsWith(path.join('charts', 'authapp', 'values.yaml')),
    );
    expect(values).toHaveLength(1);
    expect(await readFile(path.join(cache, values[0]!), 'utf8')).toContain(MESSAGE);
    expect((await scan(cache, secrets())).leaks).toEqual([]);
    expect(`${r.stdout}${r.stderr}`).not.toContain(keyBody(key));
  });

  const failures: Array<{
    name: string;
    source: () => Record<string, unknown>;
    flags: () => string[];
    code: string;
    says: RegExp;
  }> = [
    {
      name: 'a wrong password',
      source: httpsSource,
      flags: () => [
        '--git-credentials',
        path.join(work, 'wrong-credentials'),
        '--git-ca-file',
        path.join(work, 'ca.crt'),
      ],
      code: 'GitAuthFailed',
      says: /the server refused the credentials/,
    },
    {
      name: 'no credentials at all (git must not prompt)',
      source: httpsSource,
      flags: () => ['--git-ca-file', path.join(work, 'ca.crt')],
      code: 'GitAuthFailed',
      says: /the server refused the credentials/,
    },
    {
      name: 'a server certificate from a CA nobody trusts',
      source: httpsSource,
      flags: () => ['--git-credentials', path.join(work, 'credentials')],
      code: 'GitTLSUntrusted',
      says: /not signed by a trusted CA/,
    },
    {
      name: 'a server certificate from another CA than the one given',
      source: httpsSource,
      flags: () => [
        '--git-credentials',
        path.join(work, 'credentials'),
        '--git-ca-file',
        path.join(work, 'other-ca.crt'),
      ],
      code: 'GitTLSUntrusted',
      says: /not signed by a trusted CA/,
    },
    {
      name: 'a key the server does not accept',
      source: sshSource,
      flags: () => ['--git-ssh-key', path.join(work, 'wrong-id'), '--git-known-hosts', path.join(work, 'known_hosts')],
      code: 'GitAuthFailed',
      says: /the server refused the credentials.*Permission denied/,
    },
    {
      name: 'a server whose host key is not in known_hosts',
      source: sshSource,
      flags: () => ['--git-ssh-key', path.join(work, 'id'), '--git-known-hosts', path.join(work, 'empty_known_hosts')],
      code: 'GitHostKeyUnknown',
      says: /host key is not in known_hosts/,
    },
    {
      name: 'no known_hosts given and none in HOME',
      source: sshSource,
      flags: () => ['--git-ssh-key', path.join(work, 'id')],
      code: 'GitHostKeyUnknown',
      says: /host key is not in known_hosts/,
    },
    {
      name: 'a server whose host key differs from known_hosts',
      source: sshSource,
      flags: () => ['--git-ssh-key', path.join(work, 'id'), '--git-known-hosts', path.join(work, 'wrong_known_hosts')],
      code: 'GitHostKeyMismatch',
      says: /host key differs from the one in known_hosts/,
    },
  ];

  for (const [i, f] of failures.entries()) {
    it(`${f.name}: ${f.code} at the chart's file:line, bounded, nothing cached, no secret shown`, async () => {
      const site = await siteWith(`fail-${i}`, f.source());
      const cache = path.join(work, `cache-fail-${i}`);
      const r = await plan(site.dir, cache, f.flags());
      figures[`${f.code}-${i}Ms`] = r.ms;
      expect(r.exitCode, r.stdout).not.toBe(0);
      expect(r.ms).toBeLessThan(LIMIT_MS);
      const problem = r.stderr.split('\n').find((l) => l.includes(`: ${f.code}: `));
      expect(problem, r.stderr).toBeDefined();
      expect(problem!.startsWith(`${path.join(site.dir, 'site.yaml')}:${site.line}: ${f.code}: chart cfg-0: `)).toBe(
        true,
      );
      expect(problem).toMatch(f.says);
      messages.push(problem!.replace(work, '$WORK'));
      expect(r.stderr).not.toMatch(/ChartSourceOffline|\n\s+at /); // never answered from a cache; no stack trace
      const all = `${r.stdout}${r.stderr}`;
      for (const s of secrets()) expect(all).not.toContain(s);
      expect(all).not.toContain(`not-${PASSWORD}`);
      const s = await scan(cache, [...secrets(), `not-${PASSWORD}`]);
      expect(s.leaks).toEqual([]);
      // Nothing half-written: no repository, checkout or temp folder for the refused source.
      expect(s.paths.filter((p) => p.startsWith(`${path.join('charts', 'git')}${path.sep}`))).toEqual([]);
    });
  }
});
