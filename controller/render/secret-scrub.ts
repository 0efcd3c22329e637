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
 * certificates and keys make thousands of forms (one per line). Forms are bucketed by their first
 * characters (see Buckets); a bitset of their first MIN_SCRUBBED_LENGTH (hashed) skips nearly every
 * position.
 */
export function createScrubber(): Scrubber {
  const known = new Set<string>();
  let buckets: Buckets = { long: new Map(), short: new Map() };
  let starts: Uint8Array = new Uint8Array(SLOT_BITS / 8);
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
      if (changed) [buckets, starts] = index(known);
    },
    scrub(text) {
      if (known.size === 0) return text;
      let out = '';
      let copied = 0;
      // The low bytes of the last MIN_SCRUBBED_LENGTH (4) characters read, and how many of them are real.
      let window = 0;
      let filled = 0;
      for (let end = 0; end < text.length; end++) {
        window = ((window << 8) | (text.charCodeAt(end) & 0xff)) >>> 0;
        if (++filled < MIN_SCRUBBED_LENGTH) continue;
        const bit = slotOf(window);
        if ((starts[bit >> 3]! & (1 << (bit & 7))) === 0) continue;
        const at = end - MIN_SCRUBBED_LENGTH + 1;
        const hit = longest(buckets, text, at);
        if (hit === undefined) continue;
        out += text.slice(copied, at) + REDACTED;
        copied = at + hit.length;
        end = copied - 1;
        filled = 0;
      }
      return copied === 0 ? text : out + text.slice(copied);
    },
  };
}

/**
 * Forms bucketed by their first characters: those of LONG_KEY or more characters by that many
 * (the lines of a site's certificates all start with "MIIE" or so: a four-character key would put
 * hundreds of them in one bucket), shorter ones by their first MIN_SCRUBBED_LENGTH. Longest first.
 */
interface Buckets {
  long: Map<string, string[]>;
  short: Map<string, string[]>;
}

const LONG_KEY = 12;

/** The longest known form at `at`, if any (every long form is longer than every short one). */
function longest(buckets: Buckets, text: string, at: number): string | undefined {
  const long = buckets.long.get(text.slice(at, at + LONG_KEY));
  const hit = long?.find((f) => text.startsWith(f, at));
  if (hit !== undefined) return hit;
  return buckets.short.get(text.slice(at, at + MIN_SCRUBBED_LENGTH))?.find((f) => text.startsWith(f, at));
}

/** Bits of the filter of first-four-character windows: 128 KiB, few false hits for thousands of forms. */
const SLOT_BITS = 1 << 20;

function slotOf(window: number): number {
  return Math.imul(window, 0x9e3779b1) >>> 12;
}

function windowOf(form: string): number {
  let w = 0;
  for (let i = 0; i < MIN_SCRUBBED_LENGTH; i++) w = ((w << 8) | (form.charCodeAt(i) & 0xff)) >>> 0;
  return w;
}

function index(known: Set<string>): [Buckets, Uint8Array] {
  const buckets: Buckets = { long: new Map(), short: new Map() };
  const starts = new Uint8Array(SLOT_BITS / 8);
  for (const f of known) {
    const [map, key] =
      f.length >= LONG_KEY ? [buckets.long, f.slice(0, LONG_KEY)] : [buckets.short, f.slice(0, MIN_SCRUBBED_LENGTH)];
    const bucket = map.get(key);
    if (bucket) bucket.push(f);
    else map.set(key, [f]);
    const bit = slotOf(windowOf(f));
    starts[bit >> 3]! |= 1 << (bit & 7);
  }
  for (const map of [buckets.long, buckets.short])
    for (const bucket of map.values()) bucket.sort((a, b) => b.length - a.length);
  return [buckets, starts];
}
