// Reading a file a user named (or one found in their repository) without surprises: its
// type is checked with stat before it is opened (a FIFO would block, a device never ends),
// its size against the limit, and every I/O error becomes a named problem with the path.

import { readFileSync, type Stats, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { formatBytes, limits } from '../limits/index.js';

export type ReadOutcome = { ok: true; text: string } | { ok: false; code: string; message: string };

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENXIO: 'no such device or address',
  EINVAL: 'invalid argument',
};

/** A named problem (code + message) for an I/O error on `shown`. */
export function ioFailure(e: unknown, shown: string): { code: string; message: string } {
  const errno = (e as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  if (errno === 'ENOENT') return { code: 'SourceNotFound', message: `${shown}: no such file or directory` };
  return { code: 'FileNotReadable', message: `${shown}: ${ERRNO[errno] ?? 'cannot be read'} (${errno})` };
}

/** What kind of thing is at a path, as stat sees it (symlinks followed). */
export function kindOf(info: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'directory';
  if (info.isFIFO()) return 'FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  if (info.isSocket()) return 'socket';
  return 'special file';
}

export async function readUserFile(abs: string, shown: string): Promise<ReadOutcome> {
  let info;
  try {
    info = await stat(abs);
  } catch (e) {
    return { ok: false, ...ioFailure(e, shown) };
  }
  const refused = refusal(info, shown);
  if (refused) return refused;
  try {
    return withinLimit(await readFile(abs), shown);
  } catch (e) {
    return { ok: false, ...ioFailure(e, shown) };
  }
}

/**
 * readUserFile without the promise machinery, for the hundreds of small files of a site
 * (source/index.ts): fs/promises costs more than the reads themselves there. Same checks.
 */
export function readUserFileSync(abs: string, shown: string): ReadOutcome {
  let info;
  try {
    info = statSync(abs);
  } catch (e) {
    return { ok: false, ...ioFailure(e, shown) };
  }
  const refused = refusal(info, shown);
  if (refused) return refused;
  try {
    return withinLimit(readFileSync(abs), shown);
  } catch (e) {
    return { ok: false, ...ioFailure(e, shown) };
  }
}

/** Not a regular file, or larger than the limit: refused before it is opened. */
function refusal(info: Stats, shown: string): ReadOutcome | undefined {
  if (!info.isFile())
    return { ok: false, code: 'NotARegularFile', message: `${shown} is a ${kindOf(info)}, not a regular file` };
  const max = limits().maxFileBytes;
  if (info.size > max) {
    return {
      ok: false,
      code: 'FileTooLarge',
      message: `${shown} is ${formatBytes(info.size)}, more than the limit of ${formatBytes(max)} (raise it with --max-file-bytes or SLIPWAY_MAX_FILE_BYTES)`,
    };
  }
  return undefined;
}

/** A file that grew after stat (or a /proc file whose size stat reports as 0) is held to the same limit. */
function withinLimit(buf: Buffer, shown: string): ReadOutcome {
  const max = limits().maxFileBytes;
  if (buf.length > max)
    return {
      ok: false,
      code: 'FileTooLarge',
      message: `${shown} is more than the limit of ${formatBytes(max)} (raise it with --max-file-bytes or SLIPWAY_MAX_FILE_BYTES)`,
    };
  return { ok: true, text: buf.toString('utf8') };
}
