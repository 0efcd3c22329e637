// Deckhand's two documented bugs, reproduced for `compat: deckhand` (see options.ts):
// the shallow copy of a substitution's source value, and `delete` by value.

import type { Json } from "../documents/types.js";
import { isMapping } from "./merge.js";
import { getPath, type Segment } from "./path.js";

/** Python's copy.copy: a new top-level list or mapping whose members are shared with the source. */
export function shallowCopy<T extends Json>(v: T): T {
  if (Array.isArray(v)) return [...v] as T;
  if (isMapping(v)) return { ...(v as { [k: string]: Json }) } as T;
  return v;
}

/** Python's `==` on values read by PyYAML: True == 1 == 1.0, containers compared member by member. */
export function pythonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  const numeric = (x: unknown) => typeof x === "number" || typeof x === "boolean";
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pythonEqual(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pythonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Deckhand's `deep_delete`: a depth-first search of `data` for the first value equal to the one
 * at `path`, removed from its container (the first equal member of that container). Returns
 * where it removed something, undefined when nothing was (the path's value is the whole data).
 */
export function deleteFirstEqual(data: Json, path: readonly Segment[]): Segment[] | undefined {
  const target = getPath(data, path);
  const search = (value: Json, parent: Json[] | { [k: string]: Json } | undefined, at: Segment[]): Segment[] | undefined => {
    if (pythonEqual(value, target)) {
      if (Array.isArray(parent)) {
        const i = parent.findIndex((x) => pythonEqual(x, value));
        parent.splice(i, 1);
        return [...at.slice(0, -1), i];
      }
      if (parent) {
        const k = Object.keys(parent).find((key) => pythonEqual(parent[key], value))!;
        delete parent[k];
        return [...at.slice(0, -1), k];
      }
      return undefined;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const hit = search(value[i]!, value, [...at, i]);
        if (hit) return hit;
      }
    } else if (isMapping(value)) {
      for (const k of Object.keys(value)) {
        const hit = search(value[k]!, value, [...at, k]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return search(data, undefined, []);
}
