// A `tar` chart source in the cache: the tarball (an http(s) URL or a file) is read, and its
// extracted tree kept under the sha256 of its bytes, so the same bytes are extracted once and
// a changed tarball is a new tree. `latest` records the tree a URL last gave: when the URL
// cannot be read (offline), that tree is used and the caller is told so.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from '../subprocess/execa-on-demand.js';
import { exists, publishEntry } from './cache-entry.js';
import { isUrl } from './chart-location.js';
import { httpGet } from './http-get.js';

export interface FetchedTree {
  /** The folder the source's subpath is relative to. */
  dir: string;
  /** Set when the source could not be read and the cached copy is used: why. */
  offline?: string;
}

export async function fetchTar(
  url: string,
  cacheDir: string,
  options: { proxy?: string; offline?: boolean; timeoutMs?: number },
): Promise<FetchedTree> {
  const base = join(cacheDir, 'tar', createHash('sha256').update(url).digest('hex').slice(0, 24));
  const cached = async (reason: string): Promise<FetchedTree> => {
    const latest = (await readFile(join(base, 'latest'), 'utf8').catch(() => '')).trim();
    if (latest && (await exists(join(base, latest)))) return { dir: join(base, latest), offline: reason };
    throw new Error(`${reason}, and there is no cached copy`);
  };
  if (options.offline) return cached('offline');
  let bytes: Buffer;
  try {
    bytes =
      isUrl(url) && !url.startsWith('file://')
        ? await httpGet(url, {
            ...(options.proxy ? { proxy: options.proxy } : {}),
            timeoutMs: options.timeoutMs ?? 120_000,
          })
        : await readFile(url.replace(/^file:\/\//, ''));
  } catch (e) {
    return cached((e as Error & { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
  const name = `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
  const dir = join(base, name);
  if (!(await exists(dir))) await extract(bytes, base, dir);
  await writeFile(join(base, 'latest'), `${name}\n`);
  return { dir };
}

/** Extracts into a temp folder renamed into place, so a killed run never leaves half a tree. */
async function extract(bytes: Buffer, base: string, dir: string): Promise<void> {
  const tmp = join(base, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(tmp, { recursive: true });
  try {
    const archive = join(tmp, '.archive');
    await writeFile(archive, bytes);
    const tree = join(tmp, 'tree');
    await mkdir(tree);
    // -a is not needed: GNU tar detects gzip from the bytes; --no-same-owner keeps files ours.
    const r = await execa('tar', ['-xf', archive, '-C', tree, '--no-same-owner', '--no-same-permissions'], {
      reject: false,
      stdin: 'ignore',
    });
    if (r.failed) throw new Error(`not a tar archive (${String(r.stderr).trim().split('\n')[0] ?? 'tar failed'})`);
    await publishEntry(tree, dir); // another run may have extracted the same bytes first
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
