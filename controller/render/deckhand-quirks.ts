// Deckhand's two documented bugs, reproduced for `compat: deckhand` (see options.ts):
// the shallow copy of a substitution's source value, and `delete` by value.

import type { Json } from '../documents/types.js';
import { isMapping } from './merge.js';
import { getPath, type Segment } from './path.js';

/** Python's copy.copy: a new top-level list or mapping whose members are shared with the source. */
export function shallowCopy<T extends Json>(v: T): T {
  if (Array.isArray(v)) return [...v] as T;
  if (isMapping(v)) return { ...(v as { [k: string]: Json }) } as T;
  return v;
}

/** Python's `==` on values read by PyYAML: True == 1 == 1.0, containers compared member by member. */
export function pythonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  const numeric = (x: unknown) => typeof x === 'number' || typeof x === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pythonEqual(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && pythonEqual(a[k], b[k]));
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
  const search = (
    value: Json,
    parent: Json[] | { [k: string]: Json } | undefined,
    at: Segment[],
  ): Segment[] | undefined => {
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

/**
 * Deckhand substitutes into a pattern with `re.sub(pattern, str(value), dest)`, and re.sub reads
 * backslash escapes in its replacement text: `\n` is a line break, `\1` and `\g<name>` are groups
 * of the match, `\\` is one backslash, other escapes of ASCII letters are errors, the rest stay as
 * written. A value holding backslashes (a Windows path, a regex, a password) so changes on the
 * way in; `compat: deckhand` does the same. Throws a PythonEscapeError where re.sub fails.
 */
export function pythonReplacer(template: string): (match: string, ...rest: unknown[]) => string {
  if (!template.includes('\\')) return () => template;
  const parts: (string | { group: string | number })[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      text += c;
      continue;
    }
    const next = template[++i];
    if (next === undefined) throw new PythonEscapeError('bad escape (end of pattern)');
    const simple: Record<string, string> = {
      '\\': '\\',
      n: '\n',
      t: '\t',
      r: '\r',
      f: '\f',
      v: '\v',
      a: '\x07',
      b: '\b',
    };
    if (next in simple) text += simple[next];
    else if (next === 'g') {
      const m = /^<([^>]*)>/.exec(template.slice(i + 1));
      if (!m) throw new PythonEscapeError('missing group name');
      parts.push(text, { group: /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]! });
      text = '';
      i += m[0].length;
    } else if (next === '0' || (/[0-7]/.test(next) && /^[0-7]{2}/.test(template.slice(i + 1)))) {
      const m = /^[0-7]{1,3}/.exec(template.slice(i))!;
      text += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (/[1-9]/.test(next)) {
      const two = /^\d\d/.test(template.slice(i)) ? template.slice(i, i + 2) : next;
      parts.push(text, { group: Number(two) });
      text = '';
      i += two.length - 1;
    } else if (/[A-Za-z]/.test(next)) throw new PythonEscapeError(`bad escape \\${next}`);
    else text += `\\${next}`;
  }
  parts.push(text);
  return (match: string, ...rest: unknown[]) => {
    const groupsAt = rest.findIndex((x) => typeof x === 'number'); // (p1..pn, offset, string, groups?)
    const groups = rest.slice(0, groupsAt) as (string | undefined)[];
    const named = rest[groupsAt + 2] as Record<string, string | undefined> | undefined;
    return parts
      .map((p) => {
        if (typeof p === 'string') return p;
        if (p.group === 0) return match;
        const v =
          typeof p.group === 'number'
            ? p.group <= groups.length
              ? groups[p.group - 1]
              : invalid(p.group)
            : named && p.group in named
              ? named[p.group]
              : invalid(p.group);
        return v ?? '';
      })
      .join('');
  };
}

function invalid(group: string | number): never {
  throw new PythonEscapeError(`invalid group reference ${group}`);
}

export class PythonEscapeError extends Error {}
