// Which of the paths a site's documents name (chart locations) lie inside its repository,
// symlinks resolved. The repository is the git work tree the site folder is in, else the
// folder that holds the site folder (see repositoryRoot).

import { isInside, realPathOf, repositoryRoot } from "./containment.js";

/** `repository` when the caller knows it (an operator checkout), else found from `siteRoot`. */
export async function containedPaths(siteRoot: string, paths: string[], repository?: string): Promise<{ inside: string[]; outside: Map<string, string> }> {
  const inside: string[] = [];
  const outside = new Map<string, string>();
  if (paths.length === 0) return { inside, outside };
  const root = repository !== undefined ? await realPathOf(repository) : await repositoryRoot(siteRoot);
  for (const p of paths) {
    const real = await realPathOf(p);
    if (isInside(root, real)) inside.push(p);
    else outside.set(p, real);
  }
  return { inside, outside };
}
