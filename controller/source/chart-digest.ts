// Content digests of chart sources (a chart folder or a .tgz), read from disk.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** sha256 over every file's relative path and bytes (a folder), or over the file (a .tgz). Undefined when absent. */
export async function chartDigest(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  const hash = createHash('sha256');
  if (info.isFile()) {
    hash.update(await readFile(path));
    return hash.digest('hex');
  }
  for (const file of await filesBelow(path)) {
    hash
      .update(relative(path, file))
      .update('\u0000')
      .update(await readFile(file))
      .update('\u0000');
  }
  return hash.digest('hex');
}

export async function chartDigests(paths: string[]): Promise<Map<string, string>> {
  const entries = await Promise.all(paths.map(async (p) => [p, await chartDigest(p)] as const));
  return new Map(entries.filter((e): e is readonly [string, string] => e[1] !== undefined));
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name === '.git') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesBelow(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}
