// A field-by-field difference between two JSON values, for `slipway diff`.

import type { Json } from '../documents/types.js';
import { formatPath, type Segment } from '../render/path.js';

export interface ValueChange {
  path: string;
  op: 'add' | 'remove' | 'change';
  from?: Json;
  to?: Json;
}

export function valuesDiff(
  from: Json | undefined,
  to: Json | undefined,
  path: Segment[] = [],
  out: ValueChange[] = [],
): ValueChange[] {
  if (isObj(from) && isObj(to)) {
    for (const k of new Set([...Object.keys(from), ...Object.keys(to)])) valuesDiff(from[k], to[k], [...path, k], out);
  } else if (from === undefined && to !== undefined) {
    out.push({ path: formatPath(path), op: 'add', to });
  } else if (to === undefined && from !== undefined) {
    out.push({ path: formatPath(path), op: 'remove', from });
  } else if (JSON.stringify(from) !== JSON.stringify(to)) {
    out.push({ path: formatPath(path), op: 'change', from: from as Json, to: to as Json });
  }
  return out;
}

function isObj(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
