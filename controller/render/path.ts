// Deckhand's JSONPath-like paths: `.`, `.a.b`, `.a[0].b`, `$.a`, `.'dotted.key'`, `.a["k"]`.
// Parsed once and cached: the same few paths recur across thousands of documents.

import type { Json } from '../documents/types.js';

export type Segment = string | number;

const cache = new Map<string, Segment[]>();

export class PathSyntaxError extends Error {}

/** A list index more than the list's length + 1. */
export class PathIndexOutOfRange extends PathSyntaxError {}

/** Segments of a path; `.` (or `$`) is the whole value: []. */
export function parsePath(path: string): Segment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const segments = parseUncached(path);
  cache.set(path, segments);
  return segments;
}

function parseUncached(path: string): Segment[] {
  let s = path.trim();
  if (s.startsWith('$')) s = s.slice(1);
  if (s === '' || s === '.') return [];
  if (!s.startsWith('.') && !s.startsWith('[')) s = `.${s}`;
  const out: Segment[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      i++;
      const q = s[i];
      if (q === "'" || q === '"') {
        const end = s.indexOf(q, i + 1);
        if (end === -1) throw new PathSyntaxError(`unterminated quote in path ${path}`);
        out.push(s.slice(i + 1, end));
        i = end + 1;
      } else {
        let j = i;
        while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
        if (j === i) throw new PathSyntaxError(`empty key in path ${path}`);
        out.push(s.slice(i, j));
        i = j;
      }
    } else if (c === '[') {
      const end = s.indexOf(']', i);
      if (end === -1) throw new PathSyntaxError(`unterminated [ in path ${path}`);
      const inner = s.slice(i + 1, end).trim();
      if (/^\d+$/.test(inner)) {
        if (!Number.isSafeInteger(Number(inner)))
          throw new PathIndexOutOfRange(`list index [${inner}] is too large in path ${path}`);
        out.push(Number(inner));
      } else if (/^(['"]).*\1$/.test(inner)) out.push(inner.slice(1, -1));
      else throw new PathSyntaxError(`unsupported index [${inner}] in path ${path}`);
      i = end + 1;
    } else {
      throw new PathSyntaxError(`unexpected '${c}' in path ${path}`);
    }
  }
  return out;
}

/** The canonical text of a path (used for secret paths and messages). */
export function formatPath(segments: readonly Segment[]): string {
  if (segments.length === 0) return '.';
  return segments
    .map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z0-9_-]+$/.test(s) ? `.${s}` : `.'${s}'`))
    .join('');
}

/** The value at a path, or undefined when any step is missing. Like Deckhand, null counts as missing. */
export function getPath(data: Json | undefined, segments: readonly Segment[]): Json | undefined {
  let cur: Json | undefined = data;
  for (const seg of segments) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (typeof seg !== 'number') return undefined;
      cur = cur[seg];
    } else {
      if (typeof seg !== 'string') return undefined;
      cur = Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    }
  }
  return cur === null ? undefined : cur;
}

/**
 * Sets the value at a path, creating missing steps: a mapping for a key, a list padded with
 * empty mappings up to an index (Deckhand's data expansion). Returns the new root.
 */
export function setPath(data: Json, segments: readonly Segment[], value: Json): Json {
  if (segments.length === 0) return value;
  const root: Json = isContainer(data) ? data : {};
  let cur: Json = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const nextSeg = segments[i + 1];
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) throw new PathSyntaxError(`cannot index a non-list with [${seg}]`);
      // Padding is bounded by the list's length + 1 (Deckhand pads with empty mappings): an
      // index like [99999999999] must not grow a list without bound.
      if (seg > cur.length + 1)
        throw new PathIndexOutOfRange(
          `list index [${seg}] is beyond the end of a list of ${cur.length} (at most [${cur.length + 1}])`,
        );
      while (cur.length <= seg) cur.push({});
      if (last) cur[seg] = value;
      else {
        if (!isContainer(cur[seg]!) || (typeof nextSeg === 'number') !== Array.isArray(cur[seg])) {
          cur[seg] = typeof nextSeg === 'number' ? [] : {};
        }
        cur = cur[seg]!;
      }
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) {
        throw new PathSyntaxError(`cannot set key '${seg}' inside a non-mapping`);
      }
      if (last) cur[seg] = value;
      else {
        const existing = cur[seg];
        if (
          existing === undefined ||
          existing === null ||
          !isContainer(existing) ||
          (typeof nextSeg === 'number') !== Array.isArray(existing)
        ) {
          cur[seg] = typeof nextSeg === 'number' ? [] : {};
        }
        cur = cur[seg]!;
      }
    }
  }
  return root;
}

/** Removes the value at a path; returns false when the path does not exist. */
export function deletePath(data: Json, segments: readonly Segment[]): boolean {
  if (segments.length === 0) return false;
  const parent = getPath(data, segments.slice(0, -1));
  const key = segments[segments.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number' && key < parent.length) {
    parent.splice(key, 1);
    return true;
  }
  if (parent && typeof parent === 'object' && !Array.isArray(parent) && typeof key === 'string' && key in parent) {
    delete parent[key];
    return true;
  }
  return false;
}

/** True when one path is a prefix of the other (they touch the same data). */
export function pathsOverlap(a: readonly Segment[], b: readonly Segment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isContainer(v: Json): v is Json[] | { [key: string]: Json } {
  return typeof v === 'object' && v !== null;
}
