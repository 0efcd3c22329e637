import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { PathIndexOutOfRange, parsePath, setPath } from '../render/path.js';
import { aliasExpansionExceeded } from './alias-expansion.js';
import { DEFAULT_LIMITS, fromEnvironment, parseLimitValue } from './index.js';
import { ajvRegExp, compileLinear, LinearRegexError } from './linear-regex.js';

describe('limit values', () => {
  it.each([
    ['100', 100],
    ['4K', 4096],
    ['64M', 64 * 2 ** 20],
    ['1GiB', 2 ** 30],
  ])('%s is %d', (text, n) => expect(parseLimitValue('x', text)).toBe(n));
  it.each(['', '0', '-1', 'lots', '1.5M'])("'%s' is refused", (text) =>
    expect(() => parseLimitValue('--max-file-bytes', text)).toThrow(/--max-file-bytes must be a positive number/),
  );
  it('the environment raises a limit; a bad value keeps the default', () => {
    expect(fromEnvironment({ SLIPWAY_MAX_FILE_BYTES: '1G', SLIPWAY_MAX_ALIAS_NODES: 'nope' })).toEqual({
      ...DEFAULT_LIMITS,
      maxFileBytes: 2 ** 30,
    });
  });
});

describe('alias expansion', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: 8 },
      (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`,
    ),
  ].join('\n');
  it('a bomb is stopped at the limit, at the first alias, without expanding it', () => {
    const t0 = performance.now();
    const at = aliasExpansionExceeded(bomb, jsyaml.load(bomb), 100_000);
    expect(at).toBe(bomb.indexOf('*a'));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
  it('aliases within the limit pass; text without an alias is never walked', () => {
    const small = 'a: &x [1, 2]\nb: *x\n';
    expect(aliasExpansionExceeded(small, jsyaml.load(small), 100)).toBeUndefined();
    expect(
      aliasExpansionExceeded(
        'a: [1, 2, 3]',
        {
          get a(): never {
            throw new Error('walked');
          },
        },
        1,
      ),
    ).toBeUndefined();
  });
});

describe('linear-time regular expressions', () => {
  it('(a+)+$ against 200,000 characters ends at once', () => {
    const t0 = performance.now();
    expect(compileLinear('^(a+)+$').test(`${'a'.repeat(200_000)}!`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
  it('exec gives the groups, replaceAll replaces every match literally', () => {
    expect(compileLinear('(\\d+)-(\\d+)').exec('port 80-443')).toEqual(['80-443', '80', '443']);
    expect(compileLinear('SITE').replaceAll('SITE and SITE', '$1 lab')).toBe('$1 lab and $1 lab');
  });
  it.each([
    ['DOMAIN', 'svc.DOMAIN and DOMAIN.'],
    ['aa', 'aaaaa'],
    ['DB_NAME', 'no match here'],
    ['ünï-cødé', 'x ünï-cødé y ünï-cødé'],
  ])('the literal pattern %s matches as the engine does (%s)', (p, s) => {
    const literal = compileLinear(p);
    const engine = compileLinear(`(?:${p})`); // a group: through RE2
    expect(literal.test(s)).toBe(engine.test(s));
    expect(literal.exec(s)).toEqual(engine.exec(s));
    expect(literal.replaceAll(s, '$&-\\1')).toBe(engine.replaceAll(s, '$&-\\1'));
    const calls = (re: typeof literal) => {
      const seen: unknown[][] = [];
      const out = re.replaceAll(s, (...args) => {
        seen.push(args);
        return `<${seen.length}>`;
      });
      return { out, seen };
    };
    expect(calls(literal)).toEqual(calls(engine));
  });
  it.each(['(a)\\1', '(?=a)', '(?<!a)b', '('])("'%s' is refused by name", (p) => {
    expect(() => compileLinear(p)).toThrow(LinearRegexError);
  });
  it("ajv's engine keys patterns apart (ajv caches compiled patterns by toString)", () => {
    expect(String(ajvRegExp('^a$', 'u'))).not.toBe(String(ajvRegExp('^b$', 'u')));
    expect(ajvRegExp('^a+$', 'u').test('aaa')).toBe(true);
  });
});

describe('list indexes in paths', () => {
  it("an index up to the list's length + 1 pads; further is refused", () => {
    expect(setPath({ l: [1] }, parsePath('.l[1]'), 2)).toEqual({ l: [1, 2] });
    expect(setPath({ l: [1] }, parsePath('.l[2]'), 2)).toEqual({ l: [1, {}, 2] });
    expect(() => setPath({ l: [1] }, parsePath('.l[3]'), 2)).toThrow(PathIndexOutOfRange);
    expect(() => setPath({}, parsePath('.l[99999999999]'), 2)).toThrow(/beyond the end of a list of 0/);
  });
  it('an index beyond a safe integer is refused when parsed', () => {
    expect(() => parsePath('.l[99999999999999999999]')).toThrow(PathIndexOutOfRange);
  });
});
