import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../problems/index.js';
import type { Site } from '../api/types.js';
import { gitAuthEnv, gitAuthFromSecret, scrub } from './git-auth.js';
import { fetchSiteSource, type SourceReader } from './index.js';
import { commitOf } from './revision.js';

const reader = (
  cms: Record<string, Record<string, string>> = {},
  secrets: Record<string, Record<string, string>> = {},
): SourceReader => ({
  readConfigMap: async (_ns, name) => cms[name],
  readSecret: async (_ns, name) => secrets[name],
});

function site(source: Site['spec']['source'], extra: Partial<Site['spec']> = {}): Site {
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name: 's', namespace: 'ns' },
    spec: { source, ...extra },
  };
}

const DOC = `schema: deckhand/LayeringPolicy/v1
metadata:
  schema: metadata/Control/v1
  name: layering-policy
data:
  layerOrder: [global, site]
`;

function gitRepo(): { dir: string; commit: (file: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-src-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  return {
    dir,
    commit(file, text) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
      git('add', '-A');
      git('commit', '-q', '-m', file);
      return git('rev-parse', 'HEAD');
    },
  };
}

describe('inline source', () => {
  it('parses documents under inline/<index> names and digests the content', async () => {
    const s = site({
      inline: {
        documents: [
          { schema: 'x/Y/v1', metadata: { schema: 'metadata/Document/v1', name: 'a' }, data: { k: 1 } },
          { schema: 'x/Y/v1', metadata: { name: 3 } },
        ],
      },
    });
    const a = await fetchSiteSource(s, { reader: reader() });
    expect(a.documents.map((d) => d.metadata.name)).toEqual(['a']);
    expect(a.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.problems.errors.map(formatProblem)[0]).toMatch(/^inline\/1:2: InvalidDocumentFormat/);
    const b = await fetchSiteSource(s, { reader: reader() });
    expect(b.revision).toBe(a.revision);
  });

  it('keeps strings strings: a MAC, yes/on/off, 1_000 and 1:30 come back as written, not as YAML 1.1 numbers or booleans', async () => {
    const values = ['52:54:12:34:56:07', 'yes', 'on', 'off', '1_000', '1:30', '190:20:30.15', '0x1f', '~', 'y'];
    const data = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
    const s = site({
      inline: { documents: [{ schema: 'x/Y/v1', metadata: { schema: 'metadata/Document/v1', name: 'a' }, data }] },
    });
    const r = await fetchSiteSource(s, { reader: reader() });
    expect(r.problems.errors).toEqual([]);
    expect(r.documents[0]!.data).toEqual(data);
  });

  it('reads ConfigMap keys as configmap/<name>/<key>, and fails on a missing ConfigMap', async () => {
    const s = site({ inline: { configMapRefs: [{ name: 'docs' }] } });
    const r = await fetchSiteSource(s, { reader: reader({ docs: { 'b.yaml': 'schema: bad\n', 'a.yaml': DOC } }) });
    expect(r.documents[0]!.source.file.path).toBe('configmap/docs/a.yaml');
    await expect(fetchSiteSource(s, { reader: reader() })).rejects.toThrow(/ConfigMap ns\/docs not found/);
  });
});

describe('git source', () => {
  it('checks out a branch of a file:// repository; a new commit moves the revision; old commits can be fetched', async () => {
    const repo = gitRepo();
    const c1 = repo.commit('site/global/policy.yaml', DOC);
    const cacheDir = mkdtempSync(join(tmpdir(), 'slipway-cache-'));
    const s = site({ git: { url: `file://${repo.dir}`, ref: { branch: 'main' }, path: 'site' } });
    const a = await fetchSiteSource(s, { reader: reader(), git: { cacheDir } });
    expect(a.revision).toBe(`main@sha1:${c1}`);
    expect(a.documents[0]!.source.file.path).toBe('site/global/policy.yaml');
    const c2 = repo.commit('site/global/other.yaml', DOC.replace('layering-policy', 'second'));
    const b = await fetchSiteSource(s, { reader: reader(), git: { cacheDir } });
    expect(b.revision).toBe(`main@sha1:${c2}`);
    expect(b.documents).toHaveLength(2);
    const old = await fetchSiteSource(s, { reader: reader(), git: { cacheDir }, commit: commitOf(a.revision)! });
    expect(old.documents).toHaveLength(1);
    expect(
      readdirSync(join(cacheDir, readdirSync(cacheDir)[0]!, 'checkouts')).filter((n) => !n.startsWith('.')),
    ).toHaveLength(2);
  });

  it('a missing branch is a fetch error naming the branch', async () => {
    const repo = gitRepo();
    repo.commit('a.yaml', DOC);
    const s = site({ git: { url: `file://${repo.dir}`, ref: { branch: 'nope' } } });
    await expect(
      fetchSiteSource(s, { reader: reader(), git: { cacheDir: mkdtempSync(join(tmpdir(), 'c-')) } }),
    ).rejects.toThrow(/branch 'nope' not found/);
  });

  it('a tag and a pinned commit', async () => {
    const repo = gitRepo();
    const c1 = repo.commit('a.yaml', DOC);
    execFileSync('git', ['-C', repo.dir, 'tag', 'v1']);
    repo.commit('b.yaml', DOC.replace('layering-policy', 'b'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'c-'));
    const t = await fetchSiteSource(site({ git: { url: `file://${repo.dir}`, ref: { tag: 'v1' } } }), {
      reader: reader(),
      git: { cacheDir },
    });
    expect(t.revision).toBe(`v1@sha1:${c1}`);
    const c = await fetchSiteSource(site({ git: { url: `file://${repo.dir}`, ref: { commit: c1 } } }), {
      reader: reader(),
      git: { cacheDir: mkdtempSync(join(tmpdir(), 'c-')) },
    });
    expect(c.revision).toBe(`sha1:${c1}`);
    expect(c.documents).toHaveLength(1);
  });

  it('credentials go to 0600 files in a private folder that is removed afterwards; messages are scrubbed', async () => {
    const a = await gitAuthEnv({ username: 'u', password: 'hunter2' });
    const askpass = a.env.GIT_ASKPASS!;
    expect(execFileSync(askpass, ['Password for x'], { encoding: 'utf8' })).toBe('hunter2');
    expect(Object.values(a.env).join(' ')).not.toContain('hunter2');
    await a.cleanup();
    expect(() => execFileSync(askpass, ['x'])).toThrow();
    expect(scrub('fatal: https://u:hunter2@h/x hunter2', ['hunter2'])).toBe('fatal: https://***@h/x ***');
  });

  it("a Secret's ca.crt and known_hosts go to files git and ssh are pointed at; ssh is strict and never asks", async () => {
    const auth = gitAuthFromSecret({
      'ca.crt': 'PEM',
      known_hosts: '[h]:22 ssh-ed25519 AAAA',
      identity: 'KEY',
      x: 'y',
    });
    expect(auth).toEqual({ caCert: 'PEM', known_hosts: '[h]:22 ssh-ed25519 AAAA', identity: 'KEY' });
    const a = await gitAuthEnv(auth);
    expect(execFileSync('cat', [a.env.GIT_SSL_CAINFO!], { encoding: 'utf8' })).toBe('PEM');
    const ssh = a.env.GIT_SSH_COMMAND!;
    expect(ssh).toMatch(/BatchMode=yes/);
    expect(ssh).toMatch(/StrictHostKeyChecking=yes/);
    expect(ssh).toMatch(/GlobalKnownHostsFile=\/dev\/null/);
    expect(ssh).not.toContain('KEY');
    expect(a.secrets).toEqual(['KEY']);
    await a.cleanup();
    const none = await gitAuthEnv(undefined);
    expect(none.env).toMatchObject({ GIT_TERMINAL_PROMPT: '0' });
    expect(none.env.GIT_SSH_COMMAND).toMatch(/BatchMode=yes .*StrictHostKeyChecking=yes/);
  });
});
