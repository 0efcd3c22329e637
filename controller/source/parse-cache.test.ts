import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locatePath, parseFile } from '../documents/parse.js';
import { SourceFile } from '../documents/source-file.js';
import { setLimits } from '../limits/index.js';
import { formatProblem, Problems } from '../problems/index.js';
import { parseCacheDir, parseFileCached } from './parse-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-parse-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = `# licence header
---
schema: a/B/v1
metadata: {name: one, schema: metadata/Document/v1}
data:
  mode: 0755
  x: 1
  x: 2
---
schema: a/B/v1
metadata: {name: two}
data: [yes, "yes", .]
---
- not an envelope
`;

function parse(text: string, cached: boolean) {
  const file = new SourceFile('site/f.yaml', text);
  const problems = new Problems();
  const docs = cached ? parseFileCached(file, dir, problems) : parseFile(file, problems);
  const lines = problems.items.map(formatProblem);
  const at = (i: number, path: (string | number)[]) => file.position(locatePath(docs[i]!, path).offset).line;
  return {
    docs: docs.map((d) => ({
      schema: d.schema,
      metadata: d.metadata,
      data: d.data,
      line: file.position(d.source.offset).line,
    })),
    lines,
    at,
  };
}

describe('parseFileCached', () => {
  it('gives the same documents, positions and problems as parseFile, from the cache too', () => {
    const direct = parse(TEXT, false);
    const first = parse(TEXT, true);
    const entries = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(entries).toHaveLength(1);
    const second = parse(TEXT, true);
    for (const run of [first, second]) {
      expect(run.docs).toEqual(direct.docs);
      expect(run.lines).toEqual(direct.lines);
      expect(run.at(0, ['data', 'x'])).toBe(direct.at(0, ['data', 'x']));
      expect(run.at(1, ['data', 2])).toBe(12);
    }
    expect(direct.lines.some((l) => l.includes('DuplicateMappingKey'))).toBe(true);
  });

  it("does not store what JSON cannot carry back (.nan, .inf, an alias's shared object)", () => {
    const before = readdirSync(dir, { recursive: true }).length;
    const docs = parse('schema: a/B/v1\nmetadata: {name: n}\ndata: {nan: .nan, inf: -.inf}\n', true).docs;
    expect(docs[0]!.data).toEqual({ nan: NaN, inf: -Infinity });
    const file = new SourceFile('site/a.yaml', 'schema: a/B/v1\nmetadata: {name: n}\ndata: {a: &x {k: 1}, b: *x}\n');
    for (let i = 0; i < 2; i++) {
      const data = parseFileCached(file, dir, new Problems())[0]!.data as Record<string, unknown>;
      expect(data.a).toBe(data.b);
    }
    expect(readdirSync(dir, { recursive: true }).length).toBe(before);
  });

  it('a cached parse holds to the limits: an alias bomb fails from the cache too, and an entry made under a raised limit is not read under the default', () => {
    const entries = () => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.json')).length;
    const run = (name: string, text: string) => {
      const problems = new Problems();
      const docs = parseFileCached(new SourceFile(`site/${name}.yaml`, text), dir, problems);
      return { docs: docs.length, lines: problems.items.map(formatProblem) };
    };
    // 9^4 nodes once expanded (the parsed value shares its lists, so only a refusal is storable).
    const bomb =
      'schema: a/B/v1\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    // 1,200 nodes and a scalar alias: over a limit of 1,000, and storable (nothing shared) when accepted.
    const wide = `schema: a/B/v1\nmetadata: {name: wide}\ndata:\n  k: &k v\n  l: [*k, ${Array.from({ length: 1200 }, (_, i) => i).join(', ')}]\n`;
    const previous = setLimits({ maxAliasNodes: 1000 });
    try {
      let before = entries();
      const refused = run('bomb', bomb);
      expect(refused.docs).toBe(0);
      expect(refused.lines).toEqual([
        expect.stringMatching(/^site\/bomb\.yaml:5: InvalidYAML: alias expansion limit: .* more than 1000 nodes/),
      ]);
      expect(entries()).toBe(before + 1); // the refusal is stored ...
      expect(run('bomb', bomb)).toEqual(refused); // ... and read back as a refusal
      expect(entries()).toBe(before + 1);

      before = entries();
      const wideRefused = run('wide', wide);
      expect(wideRefused.lines).toEqual([expect.stringContaining('InvalidYAML: alias expansion limit')]);
      setLimits({ maxAliasNodes: 100_000 });
      expect(run('wide', wide)).toEqual({ docs: 1, lines: [] });
      expect(entries()).toBe(before + 2); // one entry per limit
      setLimits({ maxAliasNodes: 1000 });
      expect(run('wide', wide)).toEqual(wideRefused);
      expect(run('bomb', bomb)).toEqual(refused);
    } finally {
      setLimits(previous);
    }
  });

  it('lives under SLIPWAY_PARSE_CACHE or SLIPWAY_CACHE, and `off` turns it off', () => {
    expect(parseCacheDir({ SLIPWAY_PARSE_CACHE: 'off' })).toBeUndefined();
    expect(parseCacheDir({ SLIPWAY_PARSE_CACHE: '/srv/pc' })).toBe('/srv/pc');
    expect(parseCacheDir({ SLIPWAY_CACHE: '/srv/cache' })).toBe('/srv/cache/parsed');
  });
});
