import { describe, expect, it } from 'vitest';
import { parseText } from '../documents/parse.js';
import { formatProblem, Problems } from '../problems/index.js';
import { deckhandDivergences } from './divergence.js';
import { redactDocument, render } from './index.js';

const POLICY = `---
schema: deckhand/LayeringPolicy/v1
metadata: {schema: metadata/Control/v1, name: layering-policy}
data:
  layerOrder: [global, region, type, site]
`;

interface DocOptions {
  schema?: string;
  labels?: string;
  abstract?: boolean;
  replacement?: boolean;
  /** parentSelector, in YAML flow notation without braces. */
  parent?: string;
  actions?: string;
  /** [src, dest] pairs in YAML flow notation. */
  subs?: [string, string][];
  encrypted?: boolean;
}

/** A document in the compact test notation. */
function doc(name: string, layer: string, data: string, o: DocOptions = {}): string {
  const lines = [
    '---',
    `schema: ${o.schema ?? 'example/Kind/v1'}`,
    'metadata:',
    '  schema: metadata/Document/v1',
    `  name: ${name}`,
    `  storagePolicy: ${o.encrypted ? 'encrypted' : 'cleartext'}`,
  ];
  if (o.labels) lines.push(`  labels: {${o.labels}}`);
  if (o.replacement) lines.push('  replacement: true');
  lines.push('  layeringDefinition:', `    layer: ${layer}`);
  if (o.abstract) lines.push('    abstract: true');
  if (o.parent !== undefined) lines.push(`    parentSelector: {${o.parent}}`);
  if (o.actions) lines.push(`    actions: ${o.actions}`);
  if (o.subs) {
    lines.push('  substitutions:');
    for (const [src, dest] of o.subs) lines.push(`    - src: ${src}`, `      dest: ${dest}`);
  }
  lines.push(`data: ${data}`);
  return `${lines.join('\n')}\n`;
}

function run(text: string, withPolicy = true) {
  const problems = new Problems();
  const docs = parseText('test.yaml', (withPolicy ? POLICY : '') + text, problems);
  const rendered = render(docs, problems);
  const data = Object.fromEntries(
    rendered
      .filter((d) => d.schema !== 'deckhand/LayeringPolicy/v1')
      .map((d) => [d.metadata.name, redactDocument(d).data]),
  );
  return { data, errors: problems.items.map(formatProblem), rendered };
}

const M = '[{method: merge, path: .}]';

describe('layering', () => {
  it('merges deeply, the child winning on conflicts', () => {
    const r = run(
      doc('g', 'global', '{a: {x: 1, y: 2}, list: [1, 2], keep: true}', { labels: 'k: g' }) +
        doc('s', 'site', '{a: {y: 20, z: 30}, list: [3]}', { parent: 'k: g', actions: M }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.s).toEqual({ a: { x: 1, y: 20, z: 30 }, list: [3], keep: true });
  });

  it("replace and delete act on the child's and the parent's data at a path", () => {
    const r = run(
      doc('g', 'global', '{a: {x: 1, y: 2}, b: {c: 1}, d: 4}', { labels: 'k: g' }) +
        doc('s', 'site', '{a: {z: 9}}', {
          parent: 'k: g',
          actions: '[{method: replace, path: .a}, {method: delete, path: .b.c}, {method: delete, path: .d}]',
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.s).toEqual({ a: { z: 9 }, b: {} });
  });

  it('a path without an index replaces a list; an indexed path extends it', () => {
    const r = run(
      doc('g', 'global', '{l: [a, b], m: [a]}', { labels: 'k: g' }) +
        doc('s', 'site', '{l: [c], m: [x, y, z]}', {
          parent: 'k: g',
          actions: "[{method: merge, path: .l}, {method: merge, path: '.m[2]'}]",
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.s).toEqual({ l: ['c'], m: ['a', {}, 'z'] });
  });

  it("delete of . leaves an empty mapping; a selector that matches nothing keeps the child's data", () => {
    const r = run(
      doc('g', 'global', '{a: 1}', { labels: 'k: g' }) +
        doc('s', 'site', '{b: 2}', { parent: 'k: g', actions: '[{method: delete, path: .}]' }) +
        doc('orphan', 'site', '{c: 3}', { parent: 'k: nothing', actions: M }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.s).toEqual({});
    expect(r.data.orphan).toEqual({ c: 3 });
  });

  it('the nearest higher layer wins and abstract documents are never output', () => {
    const r = run(
      doc('g', 'global', '{v: global, g: 1}', { labels: 'k: v', abstract: true }) +
        doc('r', 'region', '{v: region}', { labels: 'k: v', abstract: true, parent: 'k: v', actions: M }) +
        doc('s', 'site', '{s: 1}', { parent: 'k: v', actions: M }),
    );
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.data)).toEqual(['s']);
    expect(r.data.s).toEqual({ v: 'region', g: 1, s: 1 });
  });

  it('layers with no documents are skipped (region and type are empty here)', () => {
    const r = run(
      doc('g', 'global', '{a: 1}', { labels: 'k: g' }) + doc('s', 'site', '{b: 2}', { parent: 'k: g', actions: M }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.s).toEqual({ a: 1, b: 2 });
  });
});

describe('replacement', () => {
  it("a replacement child takes its parent's place, and other children layer onto it", () => {
    const r = run(
      doc('x', 'global', '{a: 1, b: 1}', { labels: 'k: x' }) +
        doc('x', 'site', '{b: 2}', { replacement: true, parent: 'k: x', actions: M }) +
        doc('y', 'site', '{c: 3}', { parent: 'k: x', actions: M }),
    );
    expect(r.errors).toEqual([]);
    expect(r.rendered.filter((d) => d.metadata.name === 'x')).toHaveLength(1);
    expect(r.data.x).toEqual({ a: 1, b: 2 });
    expect(r.data.y).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('a replacement without a parent is InvalidDocumentReplacement', () => {
    expect(run(doc('x', 'site', '{}', { replacement: true })).errors).toEqual([
      'test.yaml:12: InvalidDocumentReplacement: [example/Kind/v1, site] x: a document with `replacement: true` must have a parent',
    ]);
  });

  it('two documents with one schema and name and no replacement is InvalidDocumentReplacement', () => {
    expect(run(doc('x', 'global', '{}') + doc('x', 'site', '{}')).errors).toEqual([
      'test.yaml:17: InvalidDocumentReplacement: [example/Kind/v1, site] x: [example/Kind/v1, global] x has the same schema and metadata.name and neither replaces the other',
    ]);
  });
});

describe('layering errors', () => {
  it('LayeringPolicyNotFound', () => {
    expect(run(doc('a', 'global', '{}'), false).errors).toEqual([
      'test.yaml:2: LayeringPolicyNotFound: no deckhand/LayeringPolicy/v1 document was found, so no document can be layered',
    ]);
  });

  it('InvalidDocumentLayer names the layer and the layer order', () => {
    expect(run(doc('a', 'planet', '{}')).errors).toEqual([
      "test.yaml:13: InvalidDocumentLayer: layer 'planet' of [example/Kind/v1, planet] a is not in the layerOrder (global, region, type, site) of LayeringPolicy layering-policy",
    ]);
  });

  it('IndeterminateDocumentParent when two parents are in the nearest layer', () => {
    const r = run(
      doc('p1', 'global', '{}', { labels: 'k: v' }) +
        doc('p2', 'global', '{}', { labels: 'k: v' }) +
        doc('c', 'site', '{}', { parent: 'k: v', actions: M }),
    );
    expect(r.errors).toEqual([
      "test.yaml:34: IndeterminateDocumentParent: 2 parents found for [example/Kind/v1, site] c in layer 'global': [example/Kind/v1, global] p1, [example/Kind/v1, global] p2; a document must have exactly one",
    ]);
  });

  it('InvalidDocumentParent when the selector matches another schema', () => {
    const r = run(
      doc('p', 'global', '{}', { labels: 'k: v', schema: 'other/Kind/v1' }) +
        doc('c', 'site', '{}', { parent: 'k: v', actions: M }),
    );
    expect(r.errors).toEqual([
      'test.yaml:24: InvalidDocumentParent: parentSelector of [example/Kind/v1, site] c matches [other/Kind/v1, global] p, but their schemas differ',
    ]);
  });

  it('InvalidDocumentParent when the selector matches a document in the same layer', () => {
    const r = run(doc('p', 'site', '{}', { labels: 'k: v' }) + doc('c', 'site', '{}', { parent: 'k: v', actions: M }));
    expect(r.errors).toEqual([
      "test.yaml:24: InvalidDocumentParent: parentSelector of [example/Kind/v1, site] c matches [example/Kind/v1, site] p, which is not in a higher layer than 'site'",
    ]);
  });

  it('MissingDocumentKey when the child lacks the path (merge) or the parent lacks it (delete)', () => {
    const r = run(
      doc('p', 'global', '{a: 1}', { labels: 'k: v' }) +
        doc('c1', 'site', '{}', { parent: 'k: v', actions: '[{method: merge, path: .missing}]' }) +
        doc('c2', 'site', '{}', { parent: 'k: v', actions: '[{method: merge, path: .}, {method: delete, path: .b}]' }),
    );
    expect(r.errors).toEqual([
      "test.yaml:25: MissingDocumentKey: [example/Kind/v1, site] c1 (parent [example/Kind/v1, global] p): merge action path '.missing' is not present in the child's data",
      "test.yaml:36: MissingDocumentKey: [example/Kind/v1, site] c2 (parent [example/Kind/v1, global] p): delete action path '.b' is not present in the parent's data",
    ]);
  });

  it('UnsupportedActionMethod', () => {
    const r = run(
      doc('p', 'global', '{a: 1}', { labels: 'k: v' }) +
        doc('c', 'site', '{}', { parent: 'k: v', actions: '[{method: squash, path: .}]' }),
    );
    expect(r.errors).toEqual([
      "test.yaml:25: UnsupportedActionMethod: [example/Kind/v1, site] c (parent [example/Kind/v1, global] p): unsupported layering method 'squash' (merge, replace or delete)",
    ]);
  });

  it('DuplicateDocumentExists for the same schema, name and layer', () => {
    expect(run(doc('a', 'site', '{}') + doc('a', 'site', '{}')).errors).toEqual([
      'test.yaml:16: DuplicateDocumentExists: [example/Kind/v1, site] a is defined twice; the first is at test.yaml:7',
    ]);
  });
});

describe('substitution', () => {
  it('copies a value, creates a missing destination path, and fills every pattern match', () => {
    const r = run(
      doc('addr', 'site', '{host: db.example, port: 5432}', { schema: 'pegleg/CommonAddresses/v1' }) +
        doc('app', 'site', "{url: 'postgres://HOST:PORT/HOST'}", {
          subs: [
            [
              '{schema: pegleg/CommonAddresses/v1, name: addr, path: .host}',
              '[{path: .url, pattern: HOST}, {path: .db.host}]',
            ],
            ['{schema: pegleg/CommonAddresses/v1, name: addr, path: .port}', '{path: .url, pattern: PORT}'],
          ],
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.app).toEqual({ url: 'postgres://db.example:5432/db.example', db: { host: 'db.example' } });
  });

  it('src.pattern with match_group picks part of the source value', () => {
    const r = run(
      doc('v', 'site', "{image: 'quay.io/org/app:1.2.3'}", { schema: 'example/Versions/v1' }) +
        doc('app', 'site', '{}', {
          subs: [
            ["{schema: example/Versions/v1, name: v, path: .image, pattern: ':(.*)$', match_group: 1}", '{path: .tag}'],
          ],
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.app).toEqual({ tag: '1.2.3' });
  });

  it('recurse replaces a pattern in every string below the path, down to a depth', () => {
    const site = doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' });
    const deep = run(
      site +
        doc('app', 'site', '{a: {x: SITE-1, y: [SITE-2], deep: {z: SITE-3}}}', {
          subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .a, pattern: SITE, recurse: {depth: 2}}']],
        }),
    );
    expect(deep.data.app).toEqual({ a: { x: 'lab-1', y: ['lab-2'], deep: { z: 'lab-3' } } });
    const shallow = run(
      site +
        doc('app', 'site', '{a: {x: SITE-1, deep: {z: SITE-3}}}', {
          subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .a, pattern: SITE, recurse: {depth: 1}}']],
        }),
    );
    expect(shallow.data.app).toEqual({ a: { x: 'lab-1', deep: { z: 'SITE-3' } } });
  });

  it("runs after layering, so a child inherits its parent's substituted values", () => {
    const r = run(
      doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' }) +
        doc('base', 'global', '{site: X}', {
          labels: 'k: base',
          abstract: true,
          subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .site}']],
        }) +
        doc('app', 'site', '{extra: 1}', { parent: 'k: base', actions: M }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.app).toEqual({ site: 'lab', extra: 1 });
  });

  it('follows chains through several documents in dependency order, whatever the file order', () => {
    const r = run(
      doc('c', 'site', '{}', { subs: [['{schema: example/B/v1, name: b, path: .v}', '{path: .v}']] }) +
        doc('b', 'site', '{}', {
          schema: 'example/B/v1',
          subs: [['{schema: example/A/v1, name: a, path: .v}', '{path: .v}']],
        }) +
        doc('a', 'site', '{v: 42}', { schema: 'example/A/v1' }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.c).toEqual({ v: 42 });
  });

  it('SubstitutionSourceNotFound, SubstitutionSourceDataNotFound and MissingDocumentPattern', () => {
    const r = run(
      doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' }) +
        doc('a', 'site', '{}', { subs: [['{schema: example/Site/v1, name: nope, path: .name}', '{path: .x}']] }) +
        doc('b', 'site', '{}', { subs: [['{schema: example/Site/v1, name: v, path: .missing}', '{path: .x}']] }) +
        doc('c', 'site', '{x: 5}', {
          subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .x, pattern: MARKER}']],
        }) +
        doc('d', 'site', '{}', {
          subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .x, pattern: MARKER}']],
        }),
    );
    expect(r.errors).toEqual([
      'test.yaml:24: SubstitutionSourceNotFound: [example/Kind/v1, site] a: substitution 0: source document [example/Site/v1] nope was not found among the concrete documents',
      "test.yaml:36: SubstitutionSourceDataNotFound: [example/Kind/v1, site] b: substitution 0: path '.missing' was not found in source document [example/Site/v1] v",
      "test.yaml:48: MissingDocumentPattern: [example/Kind/v1, site] c: substitution 0: pattern 'MARKER' needs a string at '.x'",
      "test.yaml:60: MissingDocumentPattern: [example/Kind/v1, site] d: substitution 0: '.x' does not exist, so pattern 'MARKER' cannot be found in it",
    ]);
    expect(Object.keys(r.data)).toEqual(['v']);
  });

  it('a dest.pattern absent from the destination string leaves it unchanged, as Deckhand does', () => {
    const r = run(
      doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' }) +
        doc('c', 'site', '{x: no-marker, deep: {a: no-marker-either}}', {
          subs: [
            ['{schema: example/Site/v1, name: v, path: .name}', '{path: .x, pattern: MARKER}'],
            ['{schema: example/Site/v1, name: v, path: .name}', '{path: .deep, pattern: MARKER, recurse: {depth: -1}}'],
          ],
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.c).toEqual({ x: 'no-marker', deep: { a: 'no-marker-either' } });
  });

  it("a scalar substituted into a pattern is written as Python's str() writes it", () => {
    const values =
      "{t: true, f: false, i: 42, neg: -7, fl: 1.5, small: 0.00001, big: 12345678901234567890.0, half: .5, l: [1, 'a', true], m: {k: \"it's\"}}";
    const keys = ['t', 'f', 'i', 'neg', 'fl', 'small', 'big', 'half', 'l', 'm'];
    const r = run(
      doc('v', 'site', values, { schema: 'example/Values/v1' }) +
        doc('c', 'site', `{${keys.map((k) => `${k}: '<X>'`).join(', ')}}`, {
          subs: keys.map(
            (k) =>
              [`{schema: example/Values/v1, name: v, path: .${k}}`, `{path: .${k}, pattern: '<X>'}`] as [
                string,
                string,
              ],
          ),
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.c).toEqual({
      t: 'True',
      f: 'False',
      i: '42',
      neg: '-7',
      fl: '1.5',
      small: '1e-05',
      big: '1.2345678901234567e+19',
      half: '0.5',
      l: "[1, 'a', True]",
      m: "{'k': \"it's\"}",
    });
  });

  it('a dest path through a value that is not a mapping is UnknownSubstitutionError, not an overwrite', () => {
    const through = ['{s: text}', '{s: [1, 2]}', '{s: 3}', '{s: true}', '{s: null}'];
    for (const data of through) {
      const r = run(
        doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' }) +
          doc('c', 'site', data, {
            subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .s.inner.leaf}']],
          }),
      );
      expect(r.errors, data).toHaveLength(1);
      expect(r.errors[0], data).toMatch(
        /^test\.yaml:24: UnknownSubstitutionError: \[example\/Kind\/v1, site\] c: substitution 0: destination path '\.s\.inner\.leaf' runs through '\.s', which is (a string|a list|a number|a boolean|null), not a mapping$/,
      );
      expect(r.data.c, data).toBeUndefined();
    }
    const ok = run(
      doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' }) +
        doc('c', 'site', '{s: {other: 1}, l: [{a: 1}]}', {
          subs: [
            [
              '{schema: example/Site/v1, name: v, path: .name}',
              "[{path: .s.inner.leaf}, {path: '.l[0].b'}, {path: '.l[2].c'}]",
            ],
          ],
        }),
    );
    expect(ok.errors).toEqual([]);
    expect(ok.data.c).toEqual({ s: { other: 1, inner: { leaf: 'lab' } }, l: [{ a: 1, b: 'lab' }, {}, { c: 'lab' }] });
  });

  it('an abstract document is never a source', () => {
    const r = run(
      doc('v', 'global', '{name: lab}', { schema: 'example/Site/v1', abstract: true }) +
        doc('a', 'site', '{}', { subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .x}']] }),
    );
    expect(r.errors.map((e) => e.split(': ')[1])).toEqual(['SubstitutionSourceNotFound']);
  });

  it('SubstitutionDependencyCycle names the documents in the cycle', () => {
    const r = run(
      doc('a', 'site', '{v: 1}', { subs: [['{schema: example/B/v1, name: b, path: .v}', '{path: .w}']] }) +
        doc('b', 'site', '{v: 2}', {
          schema: 'example/B/v1',
          subs: [['{schema: example/Kind/v1, name: a, path: .v}', '{path: .w}']],
        }),
    );
    expect(r.errors).toEqual([
      'test.yaml:14: SubstitutionDependencyCycle: dependency cycle: [example/Kind/v1, site] a → [example/B/v1, site] b → [example/Kind/v1, site] a',
    ]);
    expect(r.data).toEqual({});
  });

  it('a document substituting from itself is a cycle of one, at its substitutions', () => {
    const r = run(
      doc('a', 'site', '{v: 1}', { subs: [['{schema: example/Kind/v1, name: a, path: .v}', '{path: .w}']] }),
    );
    expect(r.errors).toEqual([
      'test.yaml:14: SubstitutionDependencyCycle: dependency cycle: [example/Kind/v1, site] a → [example/Kind/v1, site] a',
    ]);
    expect(r.data).toEqual({});
  });

  it('a layering edge and a substitution edge can form a cycle too', () => {
    const r = run(
      doc('p', 'global', '{v: 1}', {
        labels: 'k: p',
        subs: [['{schema: example/Kind/v1, name: c, path: .v}', '{path: .w}']],
      }) + doc('c', 'site', '{v: 2}', { parent: 'k: p', actions: M }),
    );
    expect(r.errors.map((e) => e.split(': ')[1])).toEqual(['SubstitutionDependencyCycle']);
  });
});

describe('secrets', () => {
  const secretDocs =
    doc('bmc-password', 'site', 's3cr3t-value', { schema: 'deckhand/Passphrase/v1', encrypted: true }) +
    doc('host', 'site', "{bmc: {url: 'http://admin:PASSWORD@10.0.0.1'}}", {
      subs: [
        [
          '{schema: deckhand/Passphrase/v1, name: bmc-password, path: .}',
          '[{path: .bmc.password}, {path: .bmc.url, pattern: PASSWORD}]',
        ],
      ],
    }) +
    doc('copy', 'site', '{}', { subs: [['{schema: example/Kind/v1, name: host, path: .bmc}', '{path: .copied}']] });

  it('redacts encrypted documents and every value substituted from them, transitively', () => {
    const r = run(secretDocs);
    expect(r.errors).toEqual([]);
    expect(r.data['bmc-password']).toBe('[redacted]');
    expect(r.data.host).toEqual({ bmc: { url: '[redacted]', password: '[redacted]' } });
    expect(r.data.copy).toEqual({ copied: '[redacted]' });
    expect(JSON.stringify(r.data)).not.toContain('s3cr3t');
  });

  it('keeps the real values in the rendered documents for the drivers', () => {
    const host = run(secretDocs).rendered.find((d) => d.metadata.name === 'host')!;
    expect(host.data).toEqual({ bmc: { url: 'http://admin:s3cr3t-value@10.0.0.1', password: 's3cr3t-value' } });
    expect(redactDocument(host, true).data).toEqual(host.data);
  });
});

describe('compat: deckhand', () => {
  function runCompat(text: string) {
    const problems = new Problems();
    const docs = parseText('test.yaml', POLICY + text, problems);
    const rendered = render(docs, problems, { compat: 'deckhand' });
    const data = Object.fromEntries(
      rendered
        .filter((d) => d.schema !== 'deckhand/LayeringPolicy/v1')
        .map((d) => [d.metadata.name, redactDocument(d).data]),
    );
    return { data, errors: problems.items.map(formatProblem) };
  }

  const writeThrough =
    doc('endpoints', 'site', '{api: {port: {node: 31900}, host: h}}', { schema: 'example/Endpoints/v1' }) +
    doc('ports', 'site', '{drydock: 30000}', { schema: 'example/Ports/v1' }) +
    doc('chart', 'site', '{}', {
      subs: [
        ['{schema: example/Endpoints/v1, name: endpoints, path: .api}', '{path: .values.api}'],
        ['{schema: example/Ports/v1, name: ports, path: .drydock}', '{path: .values.api.port.node}'],
        ['{schema: example/Ports/v1, name: ports, path: .drydock}', '{path: .values.api.host}'],
      ],
    }) +
    doc('later', 'site', '{}', {
      subs: [
        ['{schema: example/Kind/v1, name: chart, path: .values}', '{path: .after}'],
        ['{schema: example/Endpoints/v1, name: endpoints, path: .api.port.node}', '{path: .port}'],
      ],
    });

  it('a substitution copies its source shallowly, so a later write inside the copy writes through into the source', () => {
    const compat = runCompat(writeThrough);
    expect(compat.errors).toEqual([]);
    // .api.host is one level below the copied value: the copy's own key, not shared.
    expect(compat.data.endpoints).toEqual({ api: { port: { node: 30000 }, host: 'h' } });
    expect(compat.data.later).toEqual({ after: { api: { port: { node: 30000 }, host: 30000 } }, port: 30000 });
    const correct = run(writeThrough);
    expect(correct.data.endpoints).toEqual({ api: { port: { node: 31900 }, host: 'h' } });
    expect(correct.data.later).toEqual({ after: { api: { port: { node: 30000 }, host: 30000 } }, port: 31900 });
  });

  it('src.deepcopy: true makes Deckhand copy deeply', () => {
    const compat = runCompat(writeThrough.replace('path: .api}', 'path: .api, deepcopy: true}'));
    expect(compat.errors).toEqual([]);
    expect(compat.data.endpoints).toEqual({ api: { port: { node: 31900 }, host: 'h' } });
  });

  it("a delete removes the first value equal (as Python's == has it) to the one at its path", () => {
    const docs =
      doc('base', 'global', '{flag: true, list: [0, 1], sub: {x: 1, y: 2}}', { labels: 'k: base', abstract: true }) +
      doc('child', 'site', '{}', { parent: 'k: base', actions: '[{method: delete, path: .sub.x}]' });
    expect(runCompat(docs).data.child).toEqual({ list: [0, 1], sub: { x: 1, y: 2 } });
    expect(run(docs).data.child).toEqual({ flag: true, list: [0, 1], sub: { y: 2 } });
    const list =
      doc('base', 'global', '{a: [{n: 1}, {n: 2}], b: [{n: 2}]}', { labels: 'k: base', abstract: true }) +
      doc('child', 'site', '{}', { parent: 'k: base', actions: "[{method: delete, path: '.b[0]'}]" });
    expect(runCompat(list).data.child).toEqual({ a: [{ n: 1 }], b: [{ n: 2 }] });
    expect(run(list).data.child).toEqual({ a: [{ n: 1 }, { n: 2 }], b: [] });
  });

  it("re.sub reads backslash escapes in the substituted value, as Deckhand's does; the default writes it as it is", () => {
    const docs = (value: string) =>
      doc('v', 'site', `{path: '${value}'}`, { schema: 'example/Site/v1' }) +
      doc('c', 'site', "{x: 'at <P> (<P>)'}", {
        subs: [['{schema: example/Site/v1, name: v, path: .path}', "{path: .x, pattern: '<(P)>'}"]],
      });
    expect(runCompat(docs('C:\\new\\\\x [\\1]')).data.c).toEqual({ x: 'at C:\new\\x [P] (C:\new\\x [P])' });
    expect(run(docs('C:\\new\\\\x [\\1]')).data.c).toEqual({ x: 'at C:\\new\\\\x [\\1] (C:\\new\\\\x [\\1])' });
    expect(runCompat(docs('bad \\q')).errors).toEqual([
      'test.yaml:24: UnknownSubstitutionError: [example/Kind/v1, site] c: substitution 0: re.sub cannot use the substituted value as its replacement: bad escape \\q',
    ]);
  });

  it('a YAML alias shares one value within a document, as PyYAML reads it; the default treats it as a copy', () => {
    const docs =
      doc('v', 'site', '{name: lab}', { schema: 'example/Site/v1' }) +
      doc('c', 'site', '{a: &x {k: 1}, b: *x}', {
        subs: [['{schema: example/Site/v1, name: v, path: .name}', '{path: .a.k}']],
      });
    expect(runCompat(docs).data.c).toEqual({ a: { k: 'lab' }, b: { k: 'lab' } });
    expect(run(docs).data.c).toEqual({ a: { k: 'lab' }, b: { k: 1 } });
    const report = deckhandDivergences(parseText('test.yaml', POLICY + docs, new Problems()));
    expect(report.map((d) => [d.path.join('.'), d.deckhand, d.correct, d.cause])).toEqual([
      ['b.k', 'lab', 1, expect.stringMatching(/^a YAML alias: substitution 0 writes \.a\.k/)],
    ]);
  });

  it('the migration report names each differing value, both values and the cause', () => {
    const problems = new Problems();
    const text =
      writeThrough +
      doc('base', 'global', '{flag: true, sub: {x: 1}}', { labels: 'k: base', abstract: true }) +
      doc('child', 'site', '{}', { parent: 'k: base', actions: '[{method: delete, path: .sub.x}]' }) +
      doc('p', 'site', "{path: 'a\\nb'}", { schema: 'example/Site/v1' }) +
      doc('q', 'site', "{x: 'at <P>'}", {
        subs: [['{schema: example/Site/v1, name: p, path: .path}', "{path: .x, pattern: '<P>'}"]],
      });
    const report = deckhandDivergences(parseText('test.yaml', POLICY + text, problems)).map((d) => [
      d.doc.metadata.name,
      d.path.join('.'),
      d.deckhand,
      d.correct,
      d.cause,
    ]);
    expect(problems.items).toEqual([]);
    expect(report).toEqual([
      [
        'endpoints',
        'api.port.node',
        30000,
        31900,
        expect.stringMatching(
          /^Deckhand's shallow copy: substitution 1 of \[example\/Kind\/v1, site\] chart writes \.values\.api\.port\.node/,
        ),
      ],
      [
        'later',
        'port',
        30000,
        31900,
        expect.stringMatching(
          /^substitution 1 copies \[example\/Endpoints\/v1, site\] endpoints \.api\.port\.node, which Deckhand renders differently: Deckhand's shallow copy/,
        ),
      ],
      [
        'child',
        'flag',
        undefined,
        true,
        expect.stringMatching(
          /^Deckhand's delete by value: layering action 0 \(delete \.sub\.x\) removes the first equal value, at \.flag/,
        ),
      ],
      ['child', 'sub.x', 1, undefined, expect.stringMatching(/^Deckhand's delete by value/)],
      [
        'q',
        'x',
        'at a\nb',
        'at a\\nb',
        expect.stringMatching(/^Deckhand's re\.sub: substitution 0 writes a value with backslashes/),
      ],
    ]);
  });

  it('a secret written through a shared copy is redacted in every document that holds it', () => {
    const r = runCompat(
      doc('pw', 'site', 's3cr3t', { schema: 'deckhand/Passphrase/v1', encrypted: true }) +
        doc('endpoints', 'site', '{api: {auth: {password: none}}}', { schema: 'example/Endpoints/v1' }) +
        doc('chart', 'site', '{}', {
          subs: [
            ['{schema: example/Endpoints/v1, name: endpoints, path: .api}', '{path: .api}'],
            ['{schema: deckhand/Passphrase/v1, name: pw, path: .}', '{path: .api.auth.password}'],
          ],
        }),
    );
    expect(r.errors).toEqual([]);
    expect(r.data.endpoints).toEqual({ api: { auth: { password: '[redacted]' } } });
    expect(JSON.stringify(r.data)).not.toContain('s3cr3t');
  });
});
