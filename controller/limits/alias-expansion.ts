// YAML alias bombs: js-yaml shares one object between an anchor and its aliases, so the
// parsed value is small, but every later copy (render, JSON output) expands it. Count the
// nodes the value would have once expanded, stopping as soon as the limit is passed.

export const ALIAS_EXPANSION_CODE = 'InvalidYAML';

const ALIAS = /(?:^|[\s[{,:?-])\*[^\s,[\]{}]+/m;

/**
 * The character offset (in `text`) of the first alias when the expanded `value` has more
 * than `maxNodes` nodes; undefined when it is within the limit. Text without an alias is
 * never walked.
 */
export function aliasExpansionExceeded(text: string, value: unknown, maxNodes: number): number | undefined {
  const alias = ALIAS.exec(text);
  if (!alias) return undefined;
  let budget = maxNodes;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (--budget < 0) return alias.index + alias[0].indexOf('*');
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else for (const k in v as Record<string, unknown>) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return undefined;
}
