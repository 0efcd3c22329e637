// Deep copy and Deckhand's deep merge of plain JSON data.

import type { Json } from '../documents/types.js';

export function clone<T extends Json | undefined>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  const out: { [key: string]: Json } = {};
  for (const k of Object.keys(v)) out[k] = clone((v as { [key: string]: Json })[k]!);
  return out as T;
}

export function isMapping(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `from` into `into` in place: mappings merge recursively, anything else (lists too) is replaced by `from`'s. */
export function deepMerge(into: { [key: string]: Json }, from: { [key: string]: Json }): void {
  for (const k of Object.keys(from)) {
    const a = into[k];
    const b = from[k]!;
    if (isMapping(a) && isMapping(b)) deepMerge(a, b);
    else into[k] = clone(b);
  }
}
