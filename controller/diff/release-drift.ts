// Drift of one release: its manifest objects against the live ones, as Flux's drift
// detection compares them. The helm driver observed, for each object, the live object and
// what a forced server-side apply of the manifest object would make of it (a dry run, so the
// API server normalised and defaulted both the same way); every field where the two differ
// is drift, except
//   - metadata other than labels and annotations, and status (the API server's and controllers'),
//   - fields owned through a subresource by another manager (an HPA's /spec/replicas through
//     `scale`, anything written through `status`), read from the live object's managedFields,
//   - the chart's ignore rules (JSON pointers, optionally for one kind/name).
// Pure: no I/O.

import type { Json, JsonObject } from '../documents/types.js';
import type { DriftIgnoreRule, ObjectRef, ObservedObject } from '../drivers/types.js';
import type { DriftedField, DriftedObject } from './types.js';

export function releaseDrift(objects: ObservedObject[], rules: DriftIgnoreRule[]): DriftedObject[] {
  const out: DriftedObject[] = [];
  for (const o of objects) {
    if (o.error) continue;
    const ignored = rules.filter((r) => targets(r, o.ref)).flatMap((r) => r.paths.map(parsePointer));
    if (!o.live) {
      out.push({ ref: o.ref, missing: true, fields: [], apply: without(o.manifest, ignored) });
      continue;
    }
    if (!o.applied) continue;
    const owned = ownedBySubresources(o.live);
    const fields: DriftedField[] = [];
    const skipped: string[][] = [];
    for (const f of compare(o.live as Json, o.applied as Json, [])) {
      if (ignored.some((p) => isPrefix(p, f.segments))) continue;
      if (owned.some((tree) => covers(tree, o.live as Json, f.segments))) {
        skipped.push(f.segments);
        continue;
      }
      const field: DriftedField = { path: formatPointer(f.segments) };
      if (f.live !== undefined) field.live = f.live;
      if (f.desired !== undefined) field.desired = f.desired;
      fields.push(field);
    }
    if (fields.length)
      out.push({ ref: o.ref, missing: false, fields, apply: keepLive(without(o.manifest, skipped), ignored, o.live) });
  }
  return out;
}

function targets(rule: DriftIgnoreRule, ref: ObjectRef): boolean {
  const t = rule.target;
  if (!t) return true;
  return (
    (t.kind === undefined || t.kind === ref.kind) &&
    (t.name === undefined || t.name === ref.name) &&
    (t.namespace === undefined || t.namespace === ref.namespace)
  );
}

interface Difference {
  segments: string[];
  live?: Json;
  desired?: Json;
}

function compare(
  live: Json | undefined,
  desired: Json | undefined,
  at: string[],
  out: Difference[] = [],
): Difference[] {
  if (at.length === 0 && isObject(live) && isObject(desired)) {
    // Only what an apply of the manifest can own: metadata labels/annotations and everything but status.
    for (const k of new Set([...Object.keys(live), ...Object.keys(desired)])) {
      if (k === 'status') continue;
      if (k === 'metadata') {
        const lm = (live.metadata ?? {}) as JsonObject;
        const dm = (desired.metadata ?? {}) as JsonObject;
        compare(lm.labels, dm.labels, ['metadata', 'labels'], out);
        compare(lm.annotations, dm.annotations, ['metadata', 'annotations'], out);
        continue;
      }
      compare(live[k], desired[k], [k], out);
    }
    return out;
  }
  if (isObject(live) && isObject(desired)) {
    for (const k of new Set([...Object.keys(live), ...Object.keys(desired)]))
      compare(live[k], desired[k], [...at, k], out);
  } else if (Array.isArray(live) && Array.isArray(desired) && live.length === desired.length) {
    live.forEach((v, i) => compare(v, desired[i], [...at, String(i)], out));
  } else if (JSON.stringify(live) !== JSON.stringify(desired)) {
    const d: Difference = { segments: at };
    if (live !== undefined) d.live = live;
    if (desired !== undefined) d.desired = desired;
    out.push(d);
  }
  return out;
}

/** The fieldsV1 trees of managedFields entries written through a subresource (scale, status). */
function ownedBySubresources(live: JsonObject): JsonObject[] {
  const meta = (live.metadata ?? {}) as JsonObject;
  const entries = Array.isArray(meta.managedFields) ? meta.managedFields : [];
  return entries.flatMap((e) =>
    isObject(e) && typeof e.subresource === 'string' && e.subresource !== '' && isObject(e.fieldsV1)
      ? [e.fieldsV1]
      : [],
  );
}

/** Whether a fieldsV1 tree owns the field at `segments` (or a field above it) of `value`. */
function covers(tree: JsonObject, value: Json | undefined, segments: string[]): boolean {
  if (segments.length === 0) return true;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    const item = value[Number(head)];
    for (const [key, sub] of Object.entries(tree)) {
      if (!isObject(sub)) continue;
      if (key.startsWith('k:') && matchesKey(key.slice(2), item)) return covers(sub, item, rest);
      if (key.startsWith('v:') && key.slice(2) === JSON.stringify(item)) return true;
    }
    return false;
  }
  const sub = tree[`f:${head}`];
  if (!isObject(sub)) return false;
  if (Object.keys(sub).length === 0) return true; // a leaf: the whole value is owned
  return covers(sub, isObject(value) ? value[head] : undefined, rest);
}

function matchesKey(json: string, item: Json | undefined): boolean {
  if (!isObject(item)) return false;
  try {
    const key = JSON.parse(json) as Record<string, Json>;
    return Object.entries(key).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v));
  } catch {
    return false;
  }
}

/**
 * Ignored fields keep their live value in the repair: the apply is made as Helm's field
 * manager, so leaving a field out would drop it where Helm alone owned it.
 */
function keepLive(obj: JsonObject, paths: string[][], live: JsonObject): JsonObject {
  const out = without(obj, paths);
  for (const p of paths) {
    const value = at(live, p);
    if (value === undefined || p.length === 0) continue;
    let node: Json | undefined = out;
    for (const s of p.slice(0, -1)) {
      if (!isObject(node) && !Array.isArray(node)) break;
      const next: Json | undefined = Array.isArray(node) ? node[Number(s)] : node[s];
      if (next === undefined && isObject(node)) node[s] = {};
      node = Array.isArray(node) ? node[Number(s)] : node[s];
    }
    const last = p[p.length - 1]!;
    if (isObject(node)) node[last] = structuredClone(value);
    else if (Array.isArray(node)) node[Number(last)] = structuredClone(value);
  }
  return out;
}

function at(value: Json | undefined, path: string[]): Json | undefined {
  let v = value;
  for (const s of path) v = Array.isArray(v) ? v[Number(s)] : isObject(v) ? v[s] : undefined;
  return v;
}

/** A copy of `obj` without the fields at the given paths. */
function without(obj: JsonObject, paths: string[][]): JsonObject {
  const copy = structuredClone(obj);
  // Deepest first, and list indices from the end, so earlier removals do not shift later ones.
  const sorted = [...paths].sort((a, b) => b.length - a.length || b.join('/').localeCompare(a.join('/')));
  for (const p of sorted) {
    let at: Json | undefined = copy;
    for (const s of p.slice(0, -1)) at = Array.isArray(at) ? at[Number(s)] : isObject(at) ? at[s] : undefined;
    const last = p[p.length - 1];
    if (last === undefined) continue;
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else if (isObject(at)) delete at[last];
  }
  return copy;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(segments: string[]): string {
  return `/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function isPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
