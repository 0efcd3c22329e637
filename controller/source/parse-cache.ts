// A content-addressed cache of parsed files, for the command line: a file's documents and
// parse problems are a pure function of its text and of the parser, so they are stored as JSON
// under the hash of both and read back on the next run. js-yaml's cold start was most of a
// `slipway render` process (treasuremap seaworthy: ~60% of its CPU time); JSON.parse of the
// same data is ~20x cheaper. Files whose values JSON cannot carry (.nan, .inf, !!binary) are
// not stored. Best effort: a cache that cannot be read or written is simply not used.
// The input limits a parse is held to (controller/limits: document size, alias expansion) are
// part of the key, so an entry is only read under the limits it was made with: a file refused
// under the default limits stays refused, and one accepted only under a raised limit is not
// accepted from the cache once the limit is back.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkOf, documentFromChunk, parseFile } from '../documents/parse.js';
import type { SourceFile } from '../documents/source-file.js';
import type { SourceDocument } from '../documents/types.js';
import { limits } from '../limits/index.js';
import { type Problem, Problems } from '../problems/index.js';

/** Where the command line keeps it: $SLIPWAY_PARSE_CACHE (`off` disables it), else ${SLIPWAY_CACHE:-~/.cache/slipway}/parsed. */
export function parseCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.SLIPWAY_PARSE_CACHE;
  if (set === 'off' || set === '0') return undefined;
  return set || join(env.SLIPWAY_CACHE || join(env.HOME || homedir(), '.cache', 'slipway'), 'parsed');
}

interface Entry {
  docs: { schema: string; metadata: unknown; data: unknown; source: number; chunk: [number, number] }[];
  problems: {
    code: string;
    message: string;
    severity: Problem['severity'];
    offset?: number;
    document?: Problem['document'];
  }[];
}

/** parseFile, through the cache in `dir`. */
export function parseFileCached(file: SourceFile, dir: string, problems: Problems): SourceDocument[] {
  const parser = parserKey();
  if (!parser) return parseFile(file, problems);
  const { maxDocumentBytes, maxAliasNodes } = limits();
  const name = createHash('sha256').update(`${maxDocumentBytes} ${maxAliasNodes}\n`).update(file.text).digest('hex');
  const path = join(dir, parser, `${name}.json`);
  const cached = read(path);
  if (cached) return restore(cached, file, problems);
  const found = new Problems();
  const documents = parseFile(file, found);
  problems.addAll(found.items);
  const entry = record(documents, found.items, file);
  if (entry) write(path, entry);
  return documents;
}

function restore(entry: Entry, file: SourceFile, problems: Problems): SourceDocument[] {
  for (const p of entry.problems) {
    problems.items.push({
      code: p.code,
      message: p.message,
      severity: p.severity,
      ...(p.offset === undefined ? {} : { source: { file, offset: p.offset } }),
      ...(p.document ? { document: p.document } : {}),
    });
  }
  return entry.docs.map((d) =>
    documentFromChunk(
      { schema: d.schema, metadata: d.metadata as SourceDocument['metadata'], data: d.data as SourceDocument['data'] },
      d.source,
      file,
      { offset: d.chunk[0], text: file.text.slice(d.chunk[0], d.chunk[1]) },
    ),
  );
}

function record(documents: SourceDocument[], problems: Problem[], file: SourceFile): Entry | undefined {
  const docs: Entry['docs'] = [];
  for (const d of documents) {
    const chunk = chunkOf(d);
    const seen = new Set<object>();
    if (!chunk || !jsonSafe(d.metadata, seen) || !jsonSafe(d.data, seen)) return undefined;
    docs.push({
      schema: d.schema,
      metadata: d.metadata,
      data: d.data,
      source: d.source.offset,
      chunk: [chunk.offset, chunk.offset + chunk.text.length],
    });
  }
  const out: Entry['problems'] = [];
  for (const p of problems) {
    if (p.source && p.source.file !== file) return undefined;
    out.push({
      code: p.code,
      message: p.message,
      severity: p.severity,
      ...(p.source ? { offset: p.source.offset } : {}),
      ...(p.document ? { document: p.document } : {}),
    });
  }
  return { docs, problems: out };
}

/**
 * True when JSON gives back exactly this value: finite numbers, plain objects, and no object
 * reached twice (a YAML alias shares one object between two places, as PyYAML does; JSON would
 * make two, and Deckhand's shallow copies can tell the difference).
 */
function jsonSafe(v: unknown, seen: Set<object>): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) return v.every((x) => jsonSafe(x, seen));
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (!jsonSafe((v as Record<string, unknown>)[k], seen)) return false;
  return true;
}

function read(path: string): Entry | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
}

function write(path: string, entry: Entry): void {
  const dir = dirname(path);
  try {
    if (!exists(dir)) {
      mkdirSync(dir, { recursive: true });
      // Entries of an older parser are never read again.
      for (const other of readdirSync(dirname(dir)))
        if (join(dirname(dir), other) !== dir) rmSync(join(dirname(dir), other), { recursive: true, force: true });
    }
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, path);
  } catch {
    // best effort
  }
}

function exists(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** The folders (beside this one) whose code decides what parseFile returns. */
const PARSER_FOLDERS = ['documents', 'limits'];

let key: string | null | undefined;

/** The constant the bundle (build/bundle.ts) carries the key of its build in: its parser files are not beside it. */
export const PARSER_KEY_NAME = 'SLIPWAY_PARSER_KEY';
declare const SLIPWAY_PARSER_KEY: string | undefined;

/**
 * The parser's identity: the code of documents/ and of limits/ (this build's: the alias and
 * size checks run inside parseFile) and js-yaml's version. Any change to how files are parsed
 * (a new limit, a new rule) gives new keys, so nothing stale is read.
 */
export function parserKey(): string | null {
  if (key !== undefined) return key;
  if (typeof SLIPWAY_PARSER_KEY === 'string') return (key = SLIPWAY_PARSER_KEY);
  try {
    key = hashParser();
  } catch {
    key = null; // the parser's code cannot be read: no cache
  }
  return key;
}

function hashParser(): string {
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const folder of PARSER_FOLDERS) {
    const at = join(here, '..', folder);
    for (const name of readdirSync(at)
      .filter((n) => /\.[cm]?[jt]s$/.test(n) && !n.includes('.test.'))
      .sort()) {
      hash.update(`${folder}/${name}`).update(readFileSync(join(at, name)));
    }
  }
  try {
    hash.update(readFileSync(createRequire(import.meta.url).resolve('js-yaml')));
  } catch {
    hash.update('js-yaml');
  }
  return hash.digest('hex').slice(0, 16);
}
