// source (operator): a Site's documents at their newest revision, from git or inline.

import { Problems } from '../../problems/index.js';
import type { Site } from '../api/types.js';
import { fetchGit, type GitFetchOptions } from './git.js';
import { type GitAuth, gitAuthFromSecret } from './git-auth.js';
import { inlineTexts, parseInline } from './inline.js';
import { loadTree } from './load-tree.js';
import { type FetchedSource, SourceError, type SourceReader } from './types.js';

export { defaultGitCacheDir, fetchGit, type GitCheckout } from './git.js';
export { scrub } from './git-auth.js';
export { commitOf, contentRevision, gitRevision } from './revision.js';
export type { FetchedSource, SourceReader } from './types.js';
export { SourceError } from './types.js';

export interface FetchOptions {
  reader: SourceReader;
  /** Where an inline source's `local` chart locations are resolved from (default: cwd). */
  inlineRoot?: string;
  git?: Omit<GitFetchOptions, 'auth'>;
  /** Fetch this commit instead of the ref's head (deletion renders the last applied revision). */
  commit?: string;
}

export async function fetchSiteSource(site: Site, options: FetchOptions): Promise<FetchedSource> {
  const namespace = site.metadata.namespace ?? 'default';
  const { git, inline } = site.spec.source;
  const problems = new Problems();
  if (git) {
    const auth = git.secretRef ? await readGitAuth(options.reader, namespace, git.secretRef.name) : undefined;
    const ref = options.commit ? { ...git.ref, commit: options.commit } : git.ref;
    // A reconcile always proves access (a pinned commit too); deletion re-renders the last applied commit from the cache.
    const checkout = await fetchGit(
      { ...git, ...(ref ? { ref } : {}) },
      { ...options.git, ...(auth ? { auth } : {}), ...(options.commit ? {} : { verifyAccess: true }) },
    );
    const tree = await loadTree(checkout.dir, git.path, site.spec.siteName, problems);
    return {
      revision: checkout.revision,
      root: tree.root,
      repository: checkout.dir,
      documents: tree.documents,
      problems,
      ...(tree.site ? { site: tree.site } : {}),
    };
  }
  if (inline) {
    const { documents, revision } = parseInline(await inlineTexts(inline, namespace, options.reader), problems);
    return {
      revision,
      root: options.inlineRoot ?? process.cwd(),
      documents,
      problems,
      ...(site.spec.siteName ? { site: site.spec.siteName } : {}),
    };
  }
  throw new SourceError('spec.source has neither git nor inline', 'InvalidSource');
}

async function readGitAuth(reader: SourceReader, namespace: string, name: string): Promise<GitAuth> {
  const data = await reader.readSecret(namespace, name);
  if (!data)
    throw new SourceError(`Secret ${namespace}/${name} (spec.source.git.secretRef) not found`, 'SecretNotFound');
  return gitAuthFromSecret(data);
}
