// Regular expressions from documents (DataSchema `pattern`, substitution patterns) run on
// RE2JS, whose matching time is linear in the input: no pattern can make a command hang.
// Patterns RE2 cannot run in linear time (backreferences, lookaround) are refused.

import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

// Loaded on first use: most commands on most sites compile no pattern, and every command would pay for it at start-up.
const require = createRequire(import.meta.url);
let engine: typeof RE2JS | undefined;
const re2 = (): typeof RE2JS => (engine ??= (require('re2js') as typeof import('re2js')).RE2JS);

export class LinearRegexError extends Error {
  readonly code = 'UnsupportedRegularExpression';
}

/** A replacer function, called as String.prototype.replace calls one: (match, p1..pn, offset, input, groups?). */
export type Replacer = (match: string, ...rest: unknown[]) => string;

export interface LinearRegex {
  readonly source: string;
  test(s: string): boolean;
  /** The first match and its groups (like RegExp#exec), or null. */
  exec(s: string): (string | undefined)[] | null;
  /** Every match replaced by `replacement`: a string taken literally, or what a replacer function returns. */
  replaceAll(s: string, replacement: string | Replacer): string;
}

const cache = new Map<string, RE2JS>();

function compiled(source: string): RE2JS {
  let re = cache.get(source);
  if (!re) {
    try {
      re = re2().compile(source);
    } catch (e) {
      throw new LinearRegexError(
        `pattern '${source}' cannot be run in linear time (RE2 syntax: no backreferences or lookaround): ${(e as Error).message}`,
      );
    }
    if (cache.size > 5000) cache.clear();
    cache.set(source, re);
  }
  return re;
}

/** No character with a meaning in RE2's syntax: the pattern matches itself and nothing else. */
const LITERAL = /^[^\\^$.|?*+()[\]{}]+$/;

export function compileLinear(source: string): LinearRegex {
  if (LITERAL.test(source)) return literal(source);
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
    replaceAll: (s, replacement) =>
      re.matcher(s).replaceAll(typeof replacement === 'function' ? replacement : () => replacement),
  };
}

/**
 * Most substitution patterns are plain words (`DOMAIN`, `DB_NAME`): matched with indexOf, as the
 * regular expression would match them, without loading the engine.
 */
function literal(source: string): LinearRegex {
  return {
    source,
    test: (s) => s.includes(source),
    exec: (s) => (s.includes(source) ? [source] : null),
    replaceAll: (s, replacement) => {
      if (typeof replacement === 'string') return s.replaceAll(source, () => replacement);
      // As String.prototype.replace calls a replacer for a pattern without groups: (match, offset, input).
      return s.replaceAll(source, (match: string, offset: number) => replacement(match, offset, s));
    },
  };
}

/** ajv's `code.regExp`: the engine ajv compiles `pattern` and `patternProperties` with. */
export function ajvRegExp(pattern: string, _flags: string): { test: (s: string) => boolean; toString: () => string } {
  const re = compiled(pattern);
  // ajv keys compiled patterns by toString(): it must differ per pattern.
  return { test: (s: string) => re.matcher(s).find(), toString: () => `re2:${pattern}` };
}
ajvRegExp.code = 'require("re2js").RE2JS';
