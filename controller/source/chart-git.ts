// A `git` chart source in the cache, through the git binary (the operator's git cache: one
// bare repository per URL, one read-only checkout per commit). Armada's `reference` may be a
// branch, a tag or a commit: a full commit id already cached needs no network at all; a
// branch or tag is asked of the server each time (a moved branch is new content), and when
// the server cannot be reached the commit last fetched for it is used, and the caller told.

import { readFile } from 'node:fs/promises';
import { fetchGit, type GitCheckout, gitRepoDir } from '../operator/source/git.js';
import type { GitAuth } from '../operator/source/git-auth.js';
import { GIT_TRUST_FAILURES } from '../operator/source/git-errors.js';
import { execa } from '../subprocess/execa-on-demand.js';
import type { FetchedTree } from './chart-tar.js';
import { credentialFor, parseGitCredentials } from './git-credentials.js';

export interface ChartGitOptions extends GitAuthFiles {
  cacheDir: string;
  offline?: boolean;
  proxy?: string;
  authMethod?: string;
  timeoutMs?: number;
}

/** Where the command line's git credentials are (each read when a git source is fetched). */
export interface GitAuthFiles {
  /** Armada's auth_method SSH: the private key file used for ssh:// and git@ locations (SLIPWAY_GIT_SSH_KEY). */
  sshKeyPath?: string;
  /** The only host keys ssh accepts (SLIPWAY_GIT_KNOWN_HOSTS); without it, the user's known_hosts. */
  knownHostsPath?: string;
  /** https credentials in git-credential-store's format (SLIPWAY_GIT_CREDENTIALS). */
  credentialsPath?: string;
  /** The CA bundle https servers are checked against (SLIPWAY_GIT_CA_FILE). */
  caFile?: string;
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
    ...(await authFor(url, options)),
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
        // Refused credentials or an untrusted server are errors, never answered from the cache.
        if (GIT_TRUST_FAILURES.has((e as { code?: string }).code ?? '')) throw e;
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

/** The credentials for one location: the ssh key (auth_method SSH), known_hosts, the https entry for its server, the CA. */
async function authFor(url: string, options: ChartGitOptions): Promise<{ auth?: GitAuth }> {
  const auth: GitAuth = {};
  if (options.authMethod?.toUpperCase() === 'SSH' && options.sshKeyPath)
    auth.identity = await readSetting('SLIPWAY_GIT_SSH_KEY', options.sshKeyPath);
  if (options.knownHostsPath) auth.known_hosts = await readSetting('SLIPWAY_GIT_KNOWN_HOSTS', options.knownHostsPath);
  if (options.caFile) auth.caCert = await readSetting('SLIPWAY_GIT_CA_FILE', options.caFile);
  if (options.credentialsPath) {
    const { entries, invalid } = parseGitCredentials(
      await readSetting('SLIPWAY_GIT_CREDENTIALS', options.credentialsPath),
    );
    if (invalid.length)
      throw new Error(
        `SLIPWAY_GIT_CREDENTIALS ${options.credentialsPath}: line ${invalid[0]} is not https://USER:PASSWORD@HOST[/PATH]`,
      );
    const found = credentialFor(url, entries);
    if (found) Object.assign(auth, found);
  }
  return Object.keys(auth).length ? { auth } : {};
}

async function readSetting(name: string, path: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`${name}: cannot read ${path} (${e.code ?? e.message})`);
  });
}

function reason(e: Error | undefined): string {
  return (e?.message ?? 'the server could not be reached').replace(/^git \w[\w-]* failed: /, '');
}
