// The documents of a checked-out repository, named by their path inside the repository
// (`site/lab/baremetal/nodes.yaml:12`), not by where the cache happens to keep them.

import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseText } from '../../documents/parse.js';
import type { SourceDocument } from '../../documents/types.js';
import type { Problems } from '../../problems/index.js';
import { listYamlFiles } from '../../source/list-files.js';
import { isDirectory, isSiteRepo, listSites, readSiteDefinition, siteFiles } from '../../source/pegleg.js';

export interface LoadedTree {
  documents: SourceDocument[];
  /** `dir/path`: where chart locations are resolved from. */
  root: string;
  site?: string;
}

/** `dir` is the checkout; `path` the site repository inside it; `siteName` a Pegleg site. */
export async function loadTree(
  dir: string,
  path: string | undefined,
  siteName: string | undefined,
  problems: Problems,
): Promise<LoadedTree> {
  const root = join(dir, path ?? '.');
  if (relative(dir, root).startsWith('..')) {
    problems.error('SourceNotFound', `path '${path}' leaves the repository`);
    return { documents: [], root: dir };
  }
  if (!(await isDirectory(root))) {
    problems.error('SourceNotFound', `path '${path}' is not a folder of the repository`);
    return { documents: [], root };
  }
  const shown = (abs: string) => relative(dir, abs);
  let files: string[];
  let site: string | undefined;
  if (await isSiteRepo(root)) {
    const sites = await listSites(root);
    site = siteName ?? (sites.length === 1 ? sites[0] : undefined);
    if (!site) {
      problems.error(
        'SiteRequired',
        `${path ?? 'the repository'} has sites ${sites.join(', ') || '(none)'}: set spec.siteName`,
      );
      return { documents: [], root };
    }
    const ref = await readSiteDefinition(root, site, shown, problems);
    if (!ref) return { documents: [], root };
    files = await siteFiles(root, ref);
  } else {
    files = await listYamlFiles(root);
  }
  const texts = await Promise.all(files.map(async (f) => ({ path: shown(f), text: await readFile(f, 'utf8') })));
  const documents = texts.flatMap((t) => parseText(t.path, t.text, problems));
  return site ? { documents, root, site } : { documents, root };
}
