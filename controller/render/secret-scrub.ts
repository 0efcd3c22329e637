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

export function createScrubber(): Scrubber {
  const known = new Set<string>();
  let pattern: RegExp | undefined;
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
      if (changed) {
        const alternatives = [...known]
          .sort((a, b) => b.length - a.length)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        pattern = new RegExp(alternatives.join('|'), 'g');
      }
    },
    scrub(text) {
      return pattern && known.size > 0 ? text.replace(pattern, REDACTED) : text;
    },
  };
}
