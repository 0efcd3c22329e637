// Containment: every file Slipway reads for a site lies inside its repository. Names that
// become path segments (a site, a site type) must be one plain segment; paths are compared
// after symlinks are resolved.

import { access, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

export const PATH_OUTSIDE_REPOSITORY = 'PathOutsideRepository';

/** True when `name` can be used as one folder name: no separator, not `.` or `..`, no NUL. */
export function isPlainSegment(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is refused on purpose
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000]/.test(name);
}

/** True when `path` is `root` or below it (both absolute, already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The path with symlinks resolved, or the path itself when it does not exist (nothing to follow yet). */
export async function realPathOf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** True when `path`, symlinks resolved, lies inside `root` (symlinks resolved). */
export async function realInside(root: string, path: string): Promise<boolean> {
  return isInside(await realPathOf(root), await realPathOf(path));
}

async function isDirectoryPath(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The repository a site folder belongs to: the nearest folder at or above it that holds
 * `.git`; outside a git work tree, the folder that holds the site folder (the layout of
 * this project and of a copy of it: `site-manifests/` with `charts/` beside it).
 */
export async function repositoryRoot(start: string): Promise<string> {
  let real = await realPathOf(start);
  if (!(await isDirectoryPath(real))) real = dirname(real); // a file of documents: its folder
  for (let dir = real; ; dir = dirname(dir)) {
    try {
      await access(join(dir, '.git'));
      return dir;
    } catch {
      // not here: one level up
    }
    if (dirname(dir) === dir) return dirname(real);
  }
}
