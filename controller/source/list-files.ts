// Listing the YAML files of a folder, in a stable (sorted) order.

import { type Dirent, readdirSync } from 'node:fs';
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
 * The folders are read synchronously: one round trip through libuv's thread pool per folder cost
 * more than the listing itself (treasuremap seaworthy: some 130 folders). The files are read
 * synchronously too (source/load.ts), and rendering what they hold is synchronous work anyway.
 */
export async function listYamlFiles(dir: string, onSkipped?: (entry: SkippedEntry) => void): Promise<string[]> {
  return listSync(dir, onSkipped);
}

function listSync(dir: string, onSkipped?: (entry: SkippedEntry) => void): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...listSync(full, onSkipped));
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
