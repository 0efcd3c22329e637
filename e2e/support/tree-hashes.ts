// A folder's files and their sha256, to show that a run changed nothing in a repository copy.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Relative path → sha256 of every file under `root`. */
export async function treeHashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(root, p), sha256(await readFile(p)));
    }
  };
  await walk(root);
  return out;
}
