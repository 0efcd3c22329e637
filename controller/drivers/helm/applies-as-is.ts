// When a server-side apply of a manifest object as Helm's field manager would change nothing of
// the live object, drift observation needs no dry run to know it: the dry run's result is the
// live object. Decided conservatively, from the live object alone:
//   - every value the manifest sets is already the live value (lists compared whole), and
//   - every field Helm's Apply entry in the live object's managedFields owns is one the
//     manifest still sets (an apply drops owned fields the manifest no longer has), read only
//     through mapping keys (`f:`); an entry with list or set keys (`k:`, `v:`, `i:`) is not
//     judged here.
// Anything else (a defaulted or normalised value, a list item with server-side defaults, no
// managedFields) answers false, and the caller asks the API server. Pure.

import type { Json, JsonObject } from '../../documents/types.js';

export function appliesAsIs(manifest: JsonObject, live: JsonObject, fieldManager: string): boolean {
  if (!contains(live, manifest)) return false;
  const owned = ownedFields(live, fieldManager);
  return owned !== undefined && everyOwnedFieldSet(owned, manifest);
}

/** Every value `part` holds is in `whole` at the same place (mappings by key, anything else equal). */
function contains(whole: Json | undefined, part: Json): boolean {
  if (isMapping(part)) {
    if (!isMapping(whole)) return false;
    for (const k of Object.keys(part)) if (!contains(whole[k], part[k]!)) return false;
    return true;
  }
  return equal(whole, part);
}

function equal(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** fieldsV1 of the manager's Apply entry (the main resource, not a subresource); undefined when there is none. */
function ownedFields(live: JsonObject, manager: string): JsonObject | undefined {
  const entries = (live.metadata as JsonObject | undefined)?.managedFields;
  if (!Array.isArray(entries)) return undefined;
  const entry = entries.find(
    (e): e is JsonObject =>
      isMapping(e) && e.manager === manager && e.operation === 'Apply' && (e.subresource ?? '') === '',
  );
  return entry && isMapping(entry.fieldsV1) ? entry.fieldsV1 : undefined;
}

/** Every field of a fieldsV1 tree is set in `manifest`; false for a tree this cannot read (list or set keys). */
function everyOwnedFieldSet(tree: JsonObject, manifest: Json | undefined): boolean {
  for (const key of Object.keys(tree)) {
    if (key === '.') continue; // the node itself
    if (!key.startsWith('f:') || !isMapping(manifest)) return false;
    const name = key.slice(2);
    if (!(name in manifest)) return false;
    const sub = tree[key];
    if (isMapping(sub) && Object.keys(sub).length > 0 && !everyOwnedFieldSet(sub, manifest[name])) return false;
  }
  return true;
}

function isMapping(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
