// The Pegleg repository layout: global/, type/<type>/, site/<site>/site-definition.yaml.
// A site is rendered from the files of global/, its type and itself.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject, locatePath, parseFile } from '../documents/parse.js';
import { SourceFile } from '../documents/source-file.js';
import type { Problems } from '../problems/index.js';
import { isInside, isPlainSegment, PATH_OUTSIDE_REPOSITORY, realInside, realPathOf } from './containment.js';
import { listYamlFiles, type SkippedEntry } from './list-files.js';
import { parseFileCached } from './parse-cache.js';
import { readUserFile } from './read-user-file.js';

export const SITE_DEFINITION = 'pegleg/SiteDefinition/v1';

export interface SiteRef {
  name: string;
  type: string;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** True when `dir` has a `site/` folder: the layout Pegleg reads. */
export async function isSiteRepo(dir: string): Promise<boolean> {
  return isDirectory(join(dir, 'site'));
}

/** Names of the sites of a repo (folders under site/ that hold a site-definition.yaml). */
export async function listSites(dir: string): Promise<string[]> {
  const entries = await readdir(join(dir, 'site'), { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (await fileExists(join(dir, 'site', e.name, 'site-definition.yaml'))) names.push(e.name);
  }
  return names;
}

/** True when nothing is at `path` (or a part of it is not a folder). */
async function missing(path: string): Promise<boolean> {
  try {
    await stat(path);
    return false;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads site/<name>/site-definition.yaml and returns the site's type. With `requireType`
 * (rendering the site), a type without a type/<type>/ folder is an error.
 */
export async function readSiteDefinition(
  dir: string,
  name: string,
  displayPath: (p: string) => string,
  problems: Problems,
  options: { requireType?: boolean; parseCache?: string | undefined } = {},
): Promise<SiteRef | undefined> {
  const path = join(dir, 'site', name, 'site-definition.yaml');
  if (!isPlainSegment(name)) {
    problems.error(
      PATH_OUTSIDE_REPOSITORY,
      `site '${name}' is not a folder name under ${displayPath(join(dir, 'site'))}: a site name is one path segment, without '/' or '..'`,
    );
    return undefined;
  }
  if (!(await realInside(dir, path))) {
    problems.error(
      PATH_OUTSIDE_REPOSITORY,
      `site '${name}': ${displayPath(path)} resolves (through a symbolic link) to ${await realPathOf(path)}, outside the repository ${displayPath(dir)}`,
    );
    return undefined;
  }
  // Only a missing file means no such site; a FIFO, socket, device or folder in its place is
  // an I/O error of that path, reported by readUserFile (which never opens such a thing).
  if (await missing(path)) {
    const sites = (await isDirectory(join(dir, 'site'))) ? await listSites(dir) : [];
    problems.error(
      'SiteNotFound',
      `site '${name}' has no ${displayPath(path)}; sites in this repository: ${sites.join(', ') || 'none'}`,
    );
    return undefined;
  }
  const read = await readUserFile(path, displayPath(path));
  if (!read.ok) {
    problems.error(read.code, read.message);
    return undefined;
  }
  const file = new SourceFile(displayPath(path), read.text);
  // Through the parse cache when there is one: with every file cached, this parse alone made a
  // render start the YAML parser (its cold start is tens of ms of CPU; parse-cache.ts).
  const docs = options.parseCache ? parseFileCached(file, options.parseCache, problems) : parseFile(file, problems);
  const def = docs.find((d) => d.schema === SITE_DEFINITION);
  if (!def) {
    problems.error('SiteDefinitionNotFound', `no ${SITE_DEFINITION} document in ${file.path}`, {
      source: { file, offset: 0 },
    });
    return undefined;
  }
  const type = isPlainObject(def.data) ? def.data.site_type : undefined;
  if (typeof type !== 'string' || type === '') {
    problems.error('InvalidDocumentFormat', `${SITE_DEFINITION} ${def.metadata.name} has no data.site_type`, {
      source: def.source,
    });
    return undefined;
  }
  // Only for an error: locating a path builds the YAML node tree (the parser's cold start).
  const where = () => ({
    source: locatePath(def, ['data', 'site_type']),
    document: { schema: def.schema, name: def.metadata.name },
  });
  if (!isPlainSegment(type)) {
    problems.error(
      PATH_OUTSIDE_REPOSITORY,
      `${SITE_DEFINITION} ${def.metadata.name}: site_type '${type}' is not a folder name under type/: one path segment, without '/' or '..'`,
      where(),
    );
    return undefined;
  }
  if (options.requireType && !(await isDirectory(join(dir, 'type', type)))) {
    const types = (await isDirectory(join(dir, 'type')))
      ? (await readdir(join(dir, 'type'), { withFileTypes: true }))
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort()
      : [];
    problems.error(
      'SiteTypeNotFound',
      `${SITE_DEFINITION} ${def.metadata.name}: site_type '${type}' has no folder ${displayPath(join(dir, 'type', type))}; types in this repository: ${types.join(', ') || 'none'}`,
      where(),
    );
    return undefined;
  }
  return { name, type };
}

/**
 * The files a site is rendered from, in layer order: global/, type/<type>/, site/<name>/.
 * A folder that resolves (by a symbolic link) outside the repository is a problem, not read.
 * So is a *.yaml entry that is not a regular file (a FIFO, a socket, a device: NotARegularFile);
 * a symbolic link below a layer folder is not followed, with a warning.
 */
export async function siteFiles(
  dir: string,
  site: SiteRef,
  displayPath: (p: string) => string = (p) => p,
  problems?: Problems,
): Promise<string[]> {
  const folders = [join(dir, 'global'), join(dir, 'type', site.type), join(dir, 'site', site.name)];
  const out: string[] = [];
  const root = await realPathOf(dir);
  for (const f of folders) {
    if (!(await isDirectory(f))) continue;
    // listYamlFiles follows no symbolic link below a folder, so the folder's own real path decides.
    const real = await realPathOf(f);
    if (isInside(root, real)) out.push(...(await listYamlFiles(f, (e) => reportSkipped(e, displayPath, problems))));
    else
      problems?.error(
        PATH_OUTSIDE_REPOSITORY,
        `${displayPath(f)} resolves (through a symbolic link) to ${real}, outside the repository ${displayPath(dir)}`,
      );
  }
  return out;
}

/** A listed entry that is not read, as a problem (see siteFiles). */
export function reportSkipped(
  e: SkippedEntry,
  displayPath: (p: string) => string,
  problems: Problems | undefined,
): void {
  if (e.kind === 'symbolic link')
    problems?.warning(
      'SymlinkNotFollowed',
      `${displayPath(e.path)} is a symbolic link: links below a layer folder are not followed (the repository's own files only); not read`,
    );
  else problems?.error('NotARegularFile', `${displayPath(e.path)} is a ${e.kind}, not a regular file; not read`);
}
