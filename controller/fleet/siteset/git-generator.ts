// The git generator's I/O: fetch the repository (operator/source's git fetch: one bare cache
// per URL, ls-remote first) and list site/<name>/site-definition.yaml with each site_type.
// Listings are kept per generator for its interval, so a SiteSet reconciled on every Site
// status change does not run git each time.
import { join, relative } from 'node:path';
import type { GitGenerator } from '../../operator/api/siteset-types.js';
import { parseDuration } from '../../operator/reconcile/duration.js';
import { fetchGit, type GitFetchOptions } from '../../operator/source/git.js';
import { type GitAuth, gitAuthFromSecret } from '../../operator/source/git-auth.js';
import type { SourceReader } from '../../operator/source/types.js';
import { formatProblem, Problems } from '../../problems/index.js';
import { isDirectory, isSiteRepo, listSites, readSiteDefinition } from '../../source/pegleg.js';
import type { GitListing, GitListingResult } from './generate.js';

/** Lists the sites of a checked-out Pegleg repository (`dir` the checkout, `path` the repository inside it). */
export async function listSiteDefinitions(dir: string, path: string | undefined): Promise<GitListing> {
  const root = join(dir, path ?? '.');
  if (relative(dir, root).startsWith('..')) throw new Error(`path '${path}' leaves the repository`);
  if (!(await isDirectory(root))) throw new Error(`path '${path ?? '.'}' is not a folder of the repository`);
  if (!(await isSiteRepo(root))) throw new Error(`${path ?? 'the repository'} has no site/ folder`);
  const problems = new Problems();
  const sites: GitListing['sites'] = [];
  for (const name of await listSites(root)) {
    const ref = await readSiteDefinition(root, name, (p) => relative(dir, p), problems);
    if (ref) sites.push(ref);
  }
  return { sites, ...(problems.errors.length ? { problems: problems.errors.map(formatProblem) } : {}) };
}

export interface GitListerOptions {
  reader: SourceReader;
  git?: Omit<GitFetchOptions, 'auth'>;
  /** Re-read a generator's repository after this long when its interval is not set (default 5 min). */
  defaultIntervalMs?: number;
  now?: () => number;
}

export interface GitLister {
  /** The listing of one git generator, read again when older than its interval or when `force`. */
  list(namespace: string, generator: GitGenerator, force?: boolean): Promise<GitListingResult>;
  /** Milliseconds until the listing of `generator` is due again. */
  dueIn(namespace: string, generator: GitGenerator): number;
}

export function gitLister(options: GitListerOptions): GitLister {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; result: GitListingResult }>();
  const key = (ns: string, g: GitGenerator) =>
    JSON.stringify([ns, g.url, g.ref ?? {}, g.path ?? '', g.secretRef?.name ?? '']);
  const interval = (g: GitGenerator) => parseDuration(g.interval) ?? options.defaultIntervalMs ?? 5 * 60_000;
  return {
    async list(namespace, generator, force = false) {
      const k = key(namespace, generator);
      const hit = cache.get(k);
      if (hit && !force && now() - hit.at < interval(generator)) return hit.result;
      let result: GitListingResult;
      try {
        const auth = generator.secretRef
          ? await readAuth(options.reader, namespace, generator.secretRef.name)
          : undefined;
        const checkout = await fetchGit(
          { url: generator.url, ...(generator.ref ? { ref: generator.ref } : {}) },
          { ...options.git, ...(auth ? { auth } : {}) },
        );
        result = { ...(await listSiteDefinitions(checkout.dir, generator.path)), revision: checkout.revision };
      } catch (e) {
        result = { error: (e as Error).message };
      }
      cache.set(k, { at: now(), result });
      return result;
    },
    dueIn(namespace, generator) {
      const hit = cache.get(key(namespace, generator));
      return hit ? Math.max(0, hit.at + interval(generator) - now()) : 0;
    },
  };
}

async function readAuth(reader: SourceReader, namespace: string, name: string): Promise<GitAuth> {
  const data = await reader.readSecret(namespace, name);
  if (!data) throw new Error(`Secret ${namespace}/${name} (git generator secretRef) not found`);
  return gitAuthFromSecret(data);
}
