// The operator (out of cluster, as e2e/operator-git.test.ts runs it) following Sites whose
// spec.source.git needs credentials from a Secret (Flux GitRepository's keys): over https with
// basic auth and a private CA (`username`, `password`, `ca.crt`), over ssh with a key
// (`identity`, `known_hosts`), served on 127.0.0.1 by this test (e2e/support/git-servers.ts).
// The right Secret: Ready at the repository's commit. A wrong password: Stalled, FetchFailed,
// the message naming GitAuthFailed, and the password nowhere in status, events or logs.
// The git servers run in this process: the test polls with short kubectl calls only (a long
// synchronous `kubectl wait` would stop them from answering the controller).

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../controller/operator/api/types.js';
import { testDocuments } from '../controller/operator/reconcile/sample-site.js';
import {
  applyCrds,
  applySite,
  type ControllerProcess,
  cleanupNamespace,
  cond,
  createNamespace,
  getSite,
  kubectl,
  repoRoot,
  startController,
  waitFor,
} from './operator-harness.js';
import {
  type HttpsGitServer,
  makeSshKey,
  type SshGitServer,
  type SshKeyPair,
  startHttpsGitServer,
  startSshGitServer,
} from './support/git-servers.js';

// This branch's ports (127.0.0.1 only; the controller runs on this host).
const HTTPS_PORT = 18402;
const SSH_PORT = 18403;
const USER = 'slipway-site';
const PASSWORD = `site-pw-${randomBytes(12).toString('hex')}`;
const WRONG = `wrong-pw-${randomBytes(12).toString('hex')}`;

let work = '';
let ns = '';
let ctl: ControllerProcess | undefined;
let https: HttpsGitServer | undefined;
let sshd: SshGitServer | undefined;
let key: SshKeyPair;
let commit = '';
const figures: Record<string, number> = {};

beforeAll(async () => {
  applyCrds();
  work = mkdtempSync(path.join(tmpdir(), 'slipway-op-gitauth-'));
  ns = createNamespace('gitauth-op');
  const clone = path.join(work, 'clone');
  const git = (...args: string[]) => execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8' }).trim();
  mkdirSync(path.join(clone, 'site'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'e2e@example.com');
  git('config', 'user.name', 'e2e');
  cpSync(path.join(repoRoot, 'charts', 'demo-config'), path.join(clone, 'charts', 'demo-config'), { recursive: true });
  const docs = testDocuments({
    name: 'authsite',
    namespace: ns,
    releases: 1,
    nodes: 0,
    chartLocation: '../charts/demo-config',
  });
  writeFileSync(path.join(clone, 'site', 'site.yaml'), docs.map((d) => `---\n${dump(d)}`).join(''));
  git('add', '-A');
  git('commit', '-q', '-m', 'site');
  commit = git('rev-parse', 'HEAD');
  execFileSync('git', ['clone', '-q', '--bare', clone, path.join(work, 'git', 'site.git')]);
  key = await makeSshKey('site');
  https = await startHttpsGitServer({
    root: path.join(work, 'git'),
    username: USER,
    password: PASSWORD,
    port: HTTPS_PORT,
  });
  sshd = await startSshGitServer({ port: SSH_PORT, authorizedKey: key.publicKey });
  ctl = startController({ args: ['--namespace', ns, '--git-cache-dir', path.join(work, 'cache')] });
});

afterAll(async () => {
  await ctl?.kill('SIGTERM');
  if (ns) cleanupNamespace(ns);
  await https?.close();
  await sshd?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`operator git auth figures: ${JSON.stringify(figures)}`);
});

function secret(name: string, data: Record<string, string>): void {
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: ns },
      type: 'Opaque',
      stringData: data,
    }),
  );
}

function site(name: string, url: string, secretName: string): Site {
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name, namespace: ns },
    spec: {
      source: { git: { url, ref: { branch: 'main' }, path: 'site', interval: '1m', secretRef: { name: secretName } } },
    },
  };
}

const ready = (name: string) =>
  waitFor(
    `Site ${name} Ready`,
    () => {
      const s = getSite(ns, name);
      if (cond(s, 'Stalled')?.status === 'True')
        throw new Error(`Site ${name} stalled: ${cond(s, 'Stalled')?.message}`);
      return cond(s, 'Ready')?.status === 'True' && s;
    },
    180_000,
    500,
  );

describe('slipway controller: a Site whose git source needs credentials', () => {
  it('https with username/password and ca.crt from a Secret: Ready at the commit', async () => {
    secret('git-https', { username: USER, password: PASSWORD, 'ca.crt': https!.caCert });
    const t0 = Date.now();
    applySite(site('authsite', `${https!.url}/site.git`, 'git-https'));
    const s = await ready('authsite');
    figures.httpsReadyMs = Date.now() - t0;
    expect(s.status?.lastAppliedRevision).toBe(`main@sha1:${commit}`);
    expect(https!.requests.some((r) => r.includes('/site.git/') && r.endsWith(' 200'))).toBe(true);
  });

  it('ssh with identity and known_hosts from a Secret: Ready at the commit', async () => {
    secret('git-ssh', { identity: key.privateKey, known_hosts: sshd!.knownHosts });
    const t0 = Date.now();
    applySite(site('authsite-ssh', `${sshd!.url}${path.join(work, 'git', 'site.git')}`, 'git-ssh'));
    const s = await ready('authsite-ssh');
    figures.sshReadyMs = Date.now() - t0;
    expect(s.status?.lastAppliedRevision).toBe(`main@sha1:${commit}`);
  });

  it('a wrong password: Stalled with FetchFailed naming GitAuthFailed; the password nowhere', async () => {
    secret('git-wrong', { username: USER, password: WRONG, 'ca.crt': https!.caCert });
    const t0 = Date.now();
    applySite(site('authsite-bad', `${https!.url}/site.git`, 'git-wrong'));
    const s = await waitFor(
      'Site authsite-bad Stalled',
      () => {
        const x = getSite(ns, 'authsite-bad');
        return cond(x, 'Stalled')?.status === 'True' && x;
      },
      120_000,
      500,
    );
    figures.wrongPasswordStalledMs = Date.now() - t0;
    const stalled = cond(s, 'Stalled')!;
    expect(stalled.reason).toBe('FetchFailed');
    expect(stalled.message).toMatch(/^fetching the source failed: GitAuthFailed: .*the server refused the credentials/);
    expect(cond(s, 'Ready')?.status).toBe('False');
    const events = kubectl(['get', 'events', '-n', ns, '-o', 'json']);
    expect(events).toContain('GitAuthFailed');
    const logs = readFileSync(ctl!.logFile, 'utf8');
    for (const text of [JSON.stringify(s), events, logs]) {
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(key.privateKey.split('\n')[1]!);
    }
    // The server was asked and said no: the cache the first Site filled for this URL answered nothing.
    expect(https!.requests.filter((r) => r.endsWith(' 401')).length).toBeGreaterThan(0);
  });

  it('a pinned commit the shared cache already holds is not served to a Site whose Secret is wrong', async () => {
    const pinned = site('authsite-pinned', `${https!.url}/site.git`, 'git-wrong');
    pinned.spec.source.git!.ref = { commit };
    applySite(pinned);
    const s = await waitFor(
      'Site authsite-pinned Stalled or Ready',
      () => {
        const x = getSite(ns, 'authsite-pinned');
        return (cond(x, 'Stalled')?.status === 'True' || cond(x, 'Ready')?.status === 'True') && x;
      },
      120_000,
      500,
    );
    expect(cond(s, 'Ready')?.status, 'a wrong Secret read the cached commit').not.toBe('True');
    expect(cond(s, 'Stalled')?.message).toMatch(/^fetching the source failed: GitAuthFailed: /);
  });
});
