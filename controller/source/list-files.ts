// Listing the YAML files of a folder, in a stable (sorted) order.

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SKIP = new Set(['.git', 'node_modules']);

/** A *.yaml / *.yml entry that is not read: a symbolic link (never followed below a folder), a FIFO, a socket, a device. */
export interface SkippedEntry {
  path: string;
  kind: 'symbolic link' | 'FIFO (named pipe)' | 'socket' | 'character device' | 'block device';
}

/**
 * Every *.yaml / *.yml regular file below `dir`, depth-first, sorted by name at each level.
 * Entries with such a name that are not regular files are not listed; `onSkipped` hears of each.
 */
export async function listYamlFiles(dir: string, onSkipped?: (entry: SkippedEntry) => void): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listYamlFiles(full, onSkipped)));
    else if (!/\.ya?ml$/.test(e.name)) continue;
    else if (e.isFile()) out.push(full);
    else onSkipped?.({ path: full, kind: kindOf(e) });
  }
  return out;
}

function kindOf(e: Dirent): SkippedEntry['kind'] {
  if (e.isSymbolicLink()) return 'symbolic link';
  if (e.isFIFO()) return 'FIFO (named pipe)';
  if (e.isSocket()) return 'socket';
  return e.isBlockDevice() ? 'block device' : 'character device';
}
