// The last line of defence for secrets: every string a command prints passes through a
// scrubber that replaces each known secret value with `[redacted]`. The values are decided
// on the document set: all data of `storagePolicy: encrypted` documents (raw and rendered)
// and every value at a rendered document's secret paths (substituted from, or inherited
// by layering from, an encrypted document). Structured redaction (render/redact.ts,
// plan/redact.ts) still runs first; this catches what it cannot see (a password inside a
// BMC address, a release name, an error message, a driver's message).

import type { Json } from '../documents/types.js';
import { getPath, parsePath } from './path.js';
import { REDACTED } from './redact.js';

/** Shorter values are not scrubbed from text (they would match everywhere); they are still redacted in documents. */
export const MIN_SCRUBBED_LENGTH = 4;

export interface SecretSource {
  metadata: { storagePolicy?: string | undefined };
  data: Json;
  secretPaths?: readonly string[];
}

/** Every secret value of a document set, as strings. */
export function secretValues(docs: Iterable<SecretSource>): Set<string> {
  const out = new Set<string>();
  for (const d of docs) {
    if (d.metadata.storagePolicy === 'encrypted') leaves(d.data, out);
    for (const p of d.secretPaths ?? []) {
      let segments;
      try {
        segments = parsePath(p);
      } catch {
        continue;
      }
      leaves(getPath(d.data, segments), out);
    }
  }
  return out;
}

function leaves(v: Json | undefined, out: Set<string>): void {
  if (v === null || v === undefined) return;
  if (typeof v === 'object') {
    for (const x of Array.isArray(v) ? v : Object.values(v)) leaves(x, out);
    return;
  }
  out.add(String(v));
}

/** The forms a value takes in printed output: as is, JSON-escaped, each line of a multi-line value. */
function printedForms(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), value.replace(/'/g, "''")]);
  for (const line of value.split(/\r?\n/)) forms.add(line.trim());
  return [...forms].filter((f) => f.length >= MIN_SCRUBBED_LENGTH && f !== REDACTED);
}

export interface Scrubber {
  add(values: Iterable<string>): void;
  scrub(text: string): string;
}

/**
 * Finds every known form in a text as one regular expression of them all, longest first, would
 * (leftmost, then longest at that position, then on after it), without building that expression:
 * V8 tries a many-thousand-way alternation at every position of the text, and a site's
 * certificates and keys make thousands of forms (one per line).
 *
 * Long forms (LONG_KEY characters or more, nearly all of them) are found by looking at one
 * position in STRIDE only: any occurrence of such a form covers a whole stride, so one of the
 * looked-at positions falls inside its first LONG_KEY characters; a filter of the four-character
 * windows at each of those offsets of every form (a bitset) rules out nearly every position, and
 * the few left are checked against the forms bucketed by their first LONG_KEY characters.
 * The few short forms are found by one alternation of them all (or, when there are many, by a
 * filter of their first four characters at every position).
 */
export function createScrubber(): Scrubber {
  const known = new Set<string>();
  // Built when the first form is known: a command that read no secret builds no filter.
  let index: FormIndex | undefined;
  return {
    add(values) {
      let changed = false;
      for (const v of values) {
        for (const f of printedForms(v)) {
          if (!known.has(f)) {
            known.add(f);
            changed = true;
          }
        }
      }
      if (changed) index = indexForms(known);
    },
    scrub(text) {
      if (!index) return text;
      const hits = [...longHits(index, text), ...shortHits(index, text)].sort(
        (a, b) => a.at - b.at || b.length - a.length,
      );
      let out = '';
      let copied = 0;
      for (const hit of hits) {
        if (hit.at < copied) continue;
        out += text.slice(copied, hit.at) + REDACTED;
        copied = hit.at + hit.length;
      }
      return copied === 0 ? text : out + text.slice(copied);
    },
  };
}

interface Hit {
  at: number;
  length: number;
}

/** Forms of this many characters or more are long; every long form is longer than every short one. */
const LONG_KEY = 12;
/** One position in this many is looked at for long forms: each window at offsets 0..STRIDE-1 lies within LONG_KEY characters. */
const STRIDE = LONG_KEY - MIN_SCRUBBED_LENGTH + 1;
/**
 * Up to this many short forms are found by one alternation of them (escaped: plain text, run in
 * the engine's native code); more, by a filter of their first four characters at every position.
 */
const SHORT_BY_PATTERN = 64;

interface FormIndex {
  /** Long forms by their first LONG_KEY characters, longest first. */
  long: Map<string, string[]>;
  /** Filter of the four-character windows at offsets 0..STRIDE-1 of the long forms. */
  longWindows: Uint8Array;
  /** All short forms, longest first, as one alternation; when there are few. */
  shortPattern?: RegExp;
  /** When there are many: by their first MIN_SCRUBBED_LENGTH characters, longest first, and a filter of those. */
  shortBuckets?: { forms: Map<string, string[]>; starts: Uint8Array };
}

/** The longest long form at each start position (some positions, each reported once). */
function longHits(index: FormIndex, text: string): Hit[] {
  const hits: Hit[] = [];
  if (index.long.size === 0) return hits;
  for (let q = 0; q + MIN_SCRUBBED_LENGTH <= text.length; q += STRIDE) {
    if (!has(index.longWindows, windowAt(text, q))) continue;
    // A long form holding this window at offset j (0..STRIDE-1) starts at q - j: the starts
    // looked at from here and from the previous position do not overlap.
    for (let at = Math.max(q - STRIDE + 1, 0); at <= q; at++) {
      const hit = index.long.get(text.slice(at, at + LONG_KEY))?.find((f) => text.startsWith(f, at));
      if (hit !== undefined) hits.push({ at, length: hit.length });
    }
  }
  return hits;
}

/** The longest short form at each start position where one occurs. */
function shortHits(index: FormIndex, text: string): Hit[] {
  const hits: Hit[] = [];
  if (index.shortPattern) {
    // The alternation is tried longest first at each position; starting again one character
    // after each match's start finds the forms that overlap it too.
    const pattern = index.shortPattern;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      hits.push({ at: m.index, length: m[0].length });
      pattern.lastIndex = m.index + 1;
    }
    return hits;
  }
  const buckets = index.shortBuckets;
  if (!buckets) return hits;
  for (let at = 0; at + MIN_SCRUBBED_LENGTH <= text.length; at++) {
    if (!has(buckets.starts, windowAt(text, at))) continue;
    const hit = buckets.forms.get(text.slice(at, at + MIN_SCRUBBED_LENGTH))?.find((f) => text.startsWith(f, at));
    if (hit !== undefined) hits.push({ at, length: hit.length });
  }
  return hits;
}

/** Bits of each filter: 128 KiB, few false hits for thousands of forms. */
const SLOT_BITS = 1 << 20;

/** The low bytes of the four characters at `at`, hashed to a bit of a filter. */
function windowAt(text: string, at: number): number {
  const w =
    ((text.charCodeAt(at) & 0xff) << 24) |
    ((text.charCodeAt(at + 1) & 0xff) << 16) |
    ((text.charCodeAt(at + 2) & 0xff) << 8) |
    (text.charCodeAt(at + 3) & 0xff);
  return Math.imul(w, 0x9e3779b1) >>> 12;
}

function has(filter: Uint8Array, bit: number): boolean {
  return (filter[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

function set(filter: Uint8Array, bit: number): void {
  filter[bit >> 3]! |= 1 << (bit & 7);
}

function indexForms(known: Set<string>): FormIndex {
  const long = [...known].filter((f) => f.length >= LONG_KEY);
  const short = [...known].filter((f) => f.length < LONG_KEY);
  const index: FormIndex = { long: bucketed(long, LONG_KEY), longWindows: new Uint8Array(SLOT_BITS / 8) };
  for (const f of long) for (let j = 0; j < STRIDE; j++) set(index.longWindows, windowAt(f, j));
  if (short.length > SHORT_BY_PATTERN) {
    const starts = new Uint8Array(SLOT_BITS / 8);
    for (const f of short) set(starts, windowAt(f, 0));
    index.shortBuckets = { forms: bucketed(short, MIN_SCRUBBED_LENGTH), starts };
  } else if (short.length > 0) {
    index.shortPattern = new RegExp(
      short
        .sort((a, b) => b.length - a.length)
        .map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
  }
  return index;
}

/** Forms by their first `keyLength` characters, longest first in each bucket. */
function bucketed(forms: string[], keyLength: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of forms) {
    const key = f.slice(0, keyLength);
    const bucket = out.get(key);
    if (bucket) bucket.push(f);
    else out.set(key, [f]);
  }
  for (const bucket of out.values()) bucket.sort((a, b) => b.length - a.length);
  return out;
}
