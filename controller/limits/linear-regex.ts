// Regular expressions from documents (DataSchema `pattern`, substitution patterns) run on
// RE2JS, whose matching time is linear in the input: no pattern can make a command hang.
// Patterns RE2 cannot run in linear time (backreferences, lookaround) are refused.

import { RE2JS } from "re2js";

export class LinearRegexError extends Error {
  readonly code = "UnsupportedRegularExpression";
}

export interface LinearRegex {
  readonly source: string;
  test(s: string): boolean;
  /** The first match and its groups (like RegExp#exec), or null. */
  exec(s: string): (string | undefined)[] | null;
  /** Every match replaced by `replacement`, taken literally. */
  replaceAll(s: string, replacement: string): string;
}

const cache = new Map<string, RE2JS>();

function compiled(source: string): RE2JS {
  let re = cache.get(source);
  if (!re) {
    try {
      re = RE2JS.compile(source);
    } catch (e) {
      throw new LinearRegexError(`pattern '${source}' cannot be run in linear time (RE2 syntax: no backreferences or lookaround): ${(e as Error).message}`);
    }
    if (cache.size > 5000) cache.clear();
    cache.set(source, re);
  }
  return re;
}

export function compileLinear(source: string): LinearRegex {
  const re = compiled(source);
  return {
    source,
    test: (s) => re.matcher(s).find(),
    exec: (s) => {
      const m = re.matcher(s);
      if (!m.find()) return null;
      const groups: (string | undefined)[] = [];
      for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
      return groups;
    },
    replaceAll: (s, replacement) => re.matcher(s).replaceAll(() => replacement),
  };
}

/** ajv's `code.regExp`: the engine ajv compiles `pattern` and `patternProperties` with. */
export function ajvRegExp(pattern: string, _flags: string): { test: (s: string) => boolean; toString: () => string } {
  const re = compiled(pattern);
  // ajv keys compiled patterns by toString(): it must differ per pattern.
  return { test: (s: string) => re.matcher(s).find(), toString: () => `re2:${pattern}` };
}
ajvRegExp.code = 'require("re2js").RE2JS';
