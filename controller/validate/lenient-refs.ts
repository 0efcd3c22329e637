// Python's jsonschema, which Deckhand validates DataSchemas with, resolves a `$ref` only when
// a document's value reaches it; ajv resolves every `$ref` when it compiles. So that a schema
// with a dangling local `$ref` (treasuremap's promenade/Genesis/v1 has `#/definitions/url`)
// is no error until a value needs it, such a `$ref` is swapped for a keyword that fails with
// jsonschema's message when it is reached.

import type { JsonSchema } from './schemas/index.js';

export const UNRESOLVED_REF = 'x-slipway-unresolved-ref';

/** The ajv keyword that stands for a `$ref` that resolves to nothing. */
export const unresolvedRefKeyword = {
  keyword: UNRESOLVED_REF,
  schemaType: 'string',
  errors: true,
  validate: function unresolved(ref: string): boolean {
    (unresolved as unknown as { errors: object[] }).errors = [
      { keyword: UNRESOLVED_REF, message: `can't resolve reference ${ref}`, params: { ref } },
    ];
    return false;
  },
} as const;

/** `schema` with every local `$ref` that points at nothing replaced; the same object when there is none. */
export function withLenientRefs(schema: JsonSchema): JsonSchema {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      const items = node.map(rewrite);
      return items.some((x, i) => x !== node[i]) ? items : node;
    }
    if (typeof node !== 'object' || node === null) return node;
    const obj = node as Record<string, unknown>;
    const ref = obj.$ref;
    if (typeof ref === 'string' && ref.startsWith('#') && resolvePointer(schema, ref) === undefined)
      return { [UNRESOLVED_REF]: ref };
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      // `enum`, `const` and `default` hold data, not schemas.
      const next = k === 'enum' || k === 'const' || k === 'default' ? v : rewrite(v);
      if (next !== v) changed = true;
      out[k] = next;
    }
    return changed ? out : node;
  };
  return rewrite(schema) as JsonSchema;
}

/** The value a `#/a/b` JSON pointer names inside `root`, or undefined. */
function resolvePointer(root: unknown, ref: string): unknown {
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined; // a `#name` anchor: leave it to ajv
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
