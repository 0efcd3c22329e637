// Duplicated mapping keys, as PyYAML (and so Deckhand, Pegleg and Armada) reads them: accepted,
// the last value wins, at the first key's place. js-yaml refuses them unless told otherwise,
// so a chunk is read strictly first (the common case costs nothing) and only when that stops
// on a duplicate is it read again leniently and its duplicates located for a warning.

import jsyaml from 'js-yaml';
import type { Node, parseDocument } from 'yaml';
import { yamlLib } from './yaml-lib.js';

/** One key written twice in the same mapping: the offsets of both (relative to the parsed text). */
export interface DuplicateKey {
  key: string;
  first: number;
  second: number;
}

/** True when js-yaml stopped because a mapping repeats a key. */
export function isDuplicateKeyError(e: unknown): boolean {
  return e instanceof jsyaml.YAMLException && e.reason === 'duplicated mapping key';
}

/** Every repeated key in the document held by `text`, in the order they appear. */
export function findDuplicateKeys(text: string, options: Parameters<typeof parseDocument>[1]): DuplicateKey[] {
  const { isMap, isScalar, isSeq, parseDocument: parse } = yamlLib();
  const doc = parse(text, options);
  const out: DuplicateKey[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isScalar(key) && key.range) {
          const name = String(key.value);
          const first = seen.get(name);
          if (first === undefined) seen.set(name, key.range[0]);
          else out.push({ key: name, first, second: key.range[0] });
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return out;
}
