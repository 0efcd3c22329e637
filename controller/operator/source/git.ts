// A git source through the `git` CLI: one bare repository per URL under the cache folder,
// `git fetch` of the one ref a Site follows, and a read-only checkout per commit made with
// `git archive` into a temp folder renamed into place, so a controller killed mid-checkout
// never leaves a half-written tree behind. Checkouts of old commits are pruned.

import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from '../../subprocess/execa-on-demand.js';
import type { GitSource } from '../api/types.js';
import { type GitAuth, gitAuthEnv, scrub } from './git-auth.js';
import { classifyGitFailure } from './git-errors.js';
import { gitRevision } from './revision.js';
import { SourceError } from './types.js';

export interface GitCheckout {
  revision: string;
  commit: string;
  /** The checkout's root folder (the repository's top level, not `path`). */
  dir: string;
}

export interface GitFetchOptions {
  /** Parent of the per-URL caches (default `${SLIPWAY_CACHE:-~/.cache/slipway}/git`). */
  cacheDir?: string;
  auth?: GitAuth;
  /** Checkouts kept per repository (default 3). */
  keep?: number;
  timeoutMs?: number;
  /** Extra `git -c` settings (e.g. http.proxy for a chart source's proxy_server). */
  config?: string[];
  /**
   * Ask the server even for a pinned commit the cache already holds, so the credentials are
   * checked on every fetch: the cache is shared by every Site following the URL, and a Site
   * must not read through it what its own Secret would not let it fetch.
   */
  verifyAccess?: boolean;
}

export function defaultGitCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SLIPWAY_CACHE || join(env.HOME || homedir(), '.cache', 'slipway'), 'git');
}

// One fetch at a time per repository folder in this process (two Sites may follow one URL).
const locks = new Map<string, Promise<unknown>>();
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => locks.get(key) === tail && locks.delete(key));
  return next;
}

/** The bare repository a URL is cached in. */
export function gitRepoDir(url: string, cacheDir = defaultGitCacheDir()): string {
  return join(cacheDir, createHash('sha256').update(url).digest('hex').slice(0, 16), 'repo.git');
}

/** Fetches the ref the source names and checks its commit out; reuses what is cached. */
export async function fetchGit(source: GitSource, options: GitFetchOptions = {}): Promise<GitCheckout> {
  const base = join(gitRepoDir(source.url, options.cacheDir), '..');
  return serialized(base, async () => {
    const auth = await gitAuthEnv(options.auth);
    const git = gitRunner(
      join(base, 'repo.git'),
      auth.env,
      auth.secrets,
      options.timeoutMs ?? 120_000,
      options.config ?? [],
    );
    const fresh = !(await exists(join(base, 'repo.git', 'HEAD')));
    try {
      await ensureBare(base, git);
      const { refName, commit } = await resolveRef(source, git, options.verifyAccess === true);
      const dir = await checkout(base, commit, git);
      void pruneCheckouts(join(base, 'checkouts'), options.keep ?? 3).catch(() => undefined);
      return { revision: gitRevision(refName, commit), commit, dir };
    } catch (e) {
      // A first fetch that failed (refused credentials, an unknown server) leaves no cache entry behind.
      if (fresh) await rm(base, { recursive: true, force: true });
      throw e;
    } finally {
      await auth.cleanup();
    }
  });
}

type Git = (args: string[]) => Promise<string>;

function gitRunner(
  gitDir: string,
  env: Record<string, string>,
  secrets: string[],
  timeout: number,
  config: string[],
): Git {
  return async (args) => {
    const r = await execa(
      'git',
      [
        '--git-dir',
        gitDir,
        '-c',
        'credential.helper=',
        '-c',
        'protocol.file.allow=always',
        ...config.flatMap((c) => ['-c', c]),
        ...args,
      ],
      {
        reject: false,
        stdin: 'ignore',
        env: { ...env, LC_ALL: 'C' },
        timeout,
      },
    );
    if (r.failed) {
      const stderr = String(r.stderr || '');
      const failure = r.timedOut ? { code: 'GitFailed' as const } : classifyGitFailure(stderr);
      const text =
        failure.line ??
        (r.timedOut ? `timed out after ${Math.round(timeout / 1000)} s` : stderr || r.shortMessage || '')
          .trim()
          .split('\n')
          .slice(-3)
          .join('; ');
      const why = failure.reason ? `${failure.reason}: ` : '';
      throw new SourceError(`git ${args[0]} failed: ${why}${scrub(text, secrets)}`, failure.code);
    }
    return String(r.stdout).trim();
  };
}

async function ensureBare(base: string, git: Git): Promise<void> {
  if (await exists(join(base, 'repo.git', 'HEAD'))) return;
  await mkdir(base, { recursive: true });
  await git(['init', '--bare', '--quiet']);
}

/** The ref to fetch and the commit it points to. A pinned commit wins over branch and tag. */
async function resolveRef(
  source: GitSource,
  git: Git,
  verifyAccess: boolean,
): Promise<{ refName: string | undefined; commit: string }> {
  const ref = source.ref ?? {};
  if (ref.commit) {
    const commit = ref.commit.toLowerCase();
    const cached = await hasCommit(git, commit);
    if (cached && verifyAccess) await git(['ls-remote', source.url, 'HEAD']);
    if (!cached) {
      // Servers let a client fetch a reachable commit by id (protocol v2); else fetch the branch.
      const wanted = ref.branch ? `+refs/heads/${ref.branch}:refs/heads/${ref.branch}` : commit;
      await git(['fetch', '--quiet', '--force', '--no-tags', source.url, wanted]).catch(async (e: unknown) => {
        if (ref.branch) throw e;
        await git(['fetch', '--quiet', '--force', '--no-tags', source.url, '+refs/heads/*:refs/heads/*']);
      });
      if (!(await hasCommit(git, commit)))
        throw new SourceError(`commit ${commit} not found in ${scrub(source.url, [])}`, 'GitFailed');
    }
    return { refName: ref.branch ?? ref.tag, commit };
  }
  const [remoteRef, localRef, refName] = ref.tag
    ? [`refs/tags/${ref.tag}`, `refs/tags/${ref.tag}`, ref.tag]
    : ref.branch
      ? [`refs/heads/${ref.branch}`, `refs/heads/${ref.branch}`, ref.branch]
      : ['HEAD', 'refs/remotes/origin/HEAD', 'HEAD'];
  // ls-remote first: an unchanged ref costs one small request and no fetch.
  const listed = await git(['ls-remote', source.url, remoteRef]);
  const line = listed.split('\n').find((l) => l.endsWith(`\t${remoteRef}`));
  if (!line)
    throw new SourceError(
      `${ref.tag ? 'tag' : 'branch'} '${refName}' not found in ${scrub(source.url, [])}`,
      'GitFailed',
    );
  const remoteSha = line.split('\t')[0]!;
  if (!(await hasCommit(git, `${remoteSha}`))) {
    await git(['fetch', '--quiet', '--force', '--no-tags', source.url, `+${remoteRef}:${localRef}`]);
  }
  const commit = await git(['rev-parse', '--verify', `${remoteSha}^{commit}`]);
  return { refName, commit };
}

async function hasCommit(git: Git, commit: string): Promise<boolean> {
  return git(['cat-file', '-e', `${commit}^{commit}`]).then(
    () => true,
    () => false,
  );
}

async function checkout(base: string, commit: string, git: Git): Promise<string> {
  const dir = join(base, 'checkouts', commit);
  if (await exists(dir)) {
    const now = new Date();
    await utimes(dir, now, now).catch(() => undefined);
    return dir;
  }
  const tmp = join(base, 'checkouts', `.tmp-${commit}-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    const tar = join(tmp, '.archive.tar');
    await git(['archive', '--format=tar', '-o', tar, commit]);
    const r = await execa('tar', ['-xf', tar, '-C', tmp], { reject: false });
    if (r.failed) throw new SourceError(`extracting ${commit} failed: ${String(r.stderr).trim()}`, 'GitFailed');
    await rm(tar);
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (await exists(dir)) return dir; // another process won the race
    throw e;
  }
  return dir;
}

/** Keeps the `keep` most recently used checkouts; removes the rest and stale temp folders. */
async function pruneCheckouts(dir: string, keep: number): Promise<void> {
  const names = await readdir(dir);
  const entries = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  const stale = entries.filter((e) => e.n.startsWith('.tmp-') && Date.now() - e.t > 3_600_000);
  const done = entries
    .filter((e) => !e.n.startsWith('.tmp-'))
    .sort((a, b) => b.t - a.t)
    .slice(keep);
  await Promise.all([...stale, ...done].map((e) => rm(join(dir, e.n), { recursive: true, force: true })));
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
