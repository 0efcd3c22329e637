// A `git` chart source in the cache, through the git binary (the operator's git cache: one
// bare repository per URL, one read-only checkout per commit). Armada's `reference` may be a
// branch, a tag or a commit: a full commit id already cached needs no network at all; a
// branch or tag is asked of the server each time (a moved branch is new content), and when
// the server cannot be reached the commit last fetched for it is used, and the caller told.

import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { fetchGit, type GitCheckout, gitRepoDir } from '../operator/source/git.js';
import type { GitAuth } from '../operator/source/git-auth.js';
import type { FetchedTree } from './chart-tar.js';

export interface ChartGitOptions {
  cacheDir: string;
  offline?: boolean;
  proxy?: string;
  /** Armada's auth_method SSH: the private key file used for ssh:// and git@ locations. */
  sshKeyPath?: string;
  authMethod?: string;
  timeoutMs?: number;
}

const COMMIT = /^[0-9a-f]{40}$/i;

export async function fetchGitChart(
  url: string,
  reference: string,
  options: ChartGitOptions,
): Promise<FetchedTree & { commit: string }> {
  const fetchOptions = {
    cacheDir: options.cacheDir,
    keep: 64, // one run may use many commits of one repository (openstack-helm-infra): keep them all
    timeoutMs: options.timeoutMs ?? 300_000,
    ...(options.proxy ? { config: [`http.proxy=${options.proxy}`] } : {}),
    ...(await authFor(options)),
  };
  const done = (c: GitCheckout, offline?: string) => ({
    dir: c.dir,
    commit: c.commit,
    ...(offline ? { offline } : {}),
  });
  if (COMMIT.test(reference)) {
    // A pinned commit: the cache has it (no network), or it is fetched by id.
    return done(await fetchGit({ url, ref: { commit: reference } }, fetchOptions));
  }
  const name = reference.replace(/^refs\/(heads|tags)\//, '');
  const kinds: Array<'branch' | 'tag'> = reference.startsWith('refs/tags/')
    ? ['tag']
    : reference.startsWith('refs/heads/')
      ? ['branch']
      : ['branch', 'tag'];
  if (!options.offline) {
    let lastError: Error | undefined;
    for (const kind of kinds) {
      try {
        return done(await fetchGit({ url, ref: { [kind]: name } }, fetchOptions));
      } catch (e) {
        lastError = e as Error;
        if (!/ not found in /.test(lastError.message)) break; // the server could not be asked: try the cache
      }
    }
    if (lastError && / not found in /.test(lastError.message))
      throw new Error(`reference '${reference}' is neither a branch nor a tag nor a commit of the repository`);
    const cached = await cachedCommit(url, name, kinds, options.cacheDir);
    if (!cached) throw new Error(`${reason(lastError)}, and there is no cached copy`);
    return done(await fetchGit({ url, ref: { commit: cached } }, fetchOptions), reason(lastError));
  }
  const cached = await cachedCommit(url, name, kinds, options.cacheDir);
  if (!cached) throw new Error('offline, and there is no cached copy');
  return done(await fetchGit({ url, ref: { commit: cached } }, fetchOptions), 'offline');
}

/** The commit the cache last fetched for a branch or tag, without asking the server. */
async function cachedCommit(
  url: string,
  name: string,
  kinds: Array<'branch' | 'tag'>,
  cacheDir: string,
): Promise<string | undefined> {
  for (const kind of kinds) {
    const ref = kind === 'branch' ? `refs/heads/${name}` : `refs/tags/${name}`;
    const r = await execa(
      'git',
      ['--git-dir', gitRepoDir(url, cacheDir), 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
      { reject: false, stdin: 'ignore' },
    );
    if (!r.failed && COMMIT.test(String(r.stdout).trim())) return String(r.stdout).trim();
  }
  return undefined;
}

async function authFor(options: ChartGitOptions): Promise<{ auth?: GitAuth }> {
  if (options.authMethod?.toUpperCase() !== 'SSH' || !options.sshKeyPath) return {};
  return { auth: { identity: await readFile(options.sshKeyPath, 'utf8') } };
}

function reason(e: Error | undefined): string {
  return (e?.message ?? 'the server could not be reached').replace(/^git \w[\w-]* failed: /, '');
}
