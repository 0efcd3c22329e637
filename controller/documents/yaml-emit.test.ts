import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { Problems } from '../problems/index.js';
import { redactDocument, render } from '../render/index.js';
import { loadSource } from '../source/index.js';
import { checkEnvelopes } from '../validate/index.js';
import { PYYAML_SCHEMA } from './pyyaml-schema.js';
import type { Json } from './types.js';
import { emitYaml } from './yaml-emit.js';

const readBack = (text: string) => jsyaml.load(text, { schema: PYYAML_SCHEMA });

const TRICKY: string[] = [
  '',
  ' ',
  'plain',
  'two words',
  'yes',
  'No',
  'on',
  'OFF',
  'true',
  'null',
  'Null',
  '~',
  '=',
  '<<',
  '0755',
  '08',
  '1:20',
  '12:30:00',
  '0x1F',
  '1_000',
  '+1',
  '-1',
  '.5',
  '1.',
  '1e5',
  '1.5e-7',
  '.inf',
  '-.inf',
  '.nan',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  'a: b',
  'a:b',
  'ends:',
  '# comment',
  'a #b',
  'a#b',
  '-dash',
  '- item',
  '? q',
  '[x]',
  '{y}',
  '*alias',
  '&anchor',
  '!tag',
  '|pipe',
  '>fold',
  "'single'",
  '"double"',
  '%percent',
  '@at',
  '`tick',
  'back\\slash',
  'tab\there',
  'trailing ',
  ' leading',
  'line\nbreak',
  'line\nbreak\n',
  'two\n\n',
  '\nstarts',
  'x\r\ny',
  'cert\n-----\nMII\n',
  'ünïcödé',
  'emoji 🚀',
  '\u0085nel',
  '\u2028ls',
  '\x7f',
  '.',
  '$.data',
  '.values.endpoints[0]',
  'http://h:80/p?q=1&r=2',
  'key=value,other=x',
];

describe('emitYaml', () => {
  it("writes every tricky string so that PyYAML's rules read the same string back, as a value and as a key", () => {
    for (const s of TRICKY) {
      const doc = { [s]: s, list: [s, { [s]: [s] }] } as Json;
      const text = emitYaml(doc)!;
      expect(readBack(text), `${JSON.stringify(s)}\n${text}`).toEqual(doc);
    }
  });

  it('writes scalars, empty collections and nesting as they are', () => {
    const doc: Json = {
      n: null,
      t: true,
      f: false,
      i: 42,
      neg: -7,
      fl: 0.25,
      tiny: 1e-7,
      huge: 1e21,
      e: {},
      l: [],
      nested: [[1, [2]], { a: [{}] }],
      s: 'x',
    };
    expect(readBack(emitYaml(doc)!)).toEqual(doc);
    expect(emitYaml({ a: { b: [1, 'two'] } })).toBe('a:\n  b:\n    - 1\n    - two\n');
    expect(emitYaml({ cert: '-----BEGIN-----\nMII\n' })).toBe('cert: |\n  -----BEGIN-----\n  MII\n');
  });

  it('leaves what is not plain JSON to js-yaml', () => {
    expect(emitYaml({ b: new Uint8Array([1]) as unknown as Json })).toBeUndefined();
  });

  const treasuremap = resolve(new URL('.', import.meta.url).pathname, '../../../shared/airship/treasuremap-v1.9');
  it('round-trips every rendered document of treasuremap seaworthy', async () => {
    if (!existsSync(treasuremap)) throw new Error(`expected treasuremap-v1.9 at ${treasuremap}`);
    const problems = new Problems();
    const source = await loadSource([treasuremap], { site: 'seaworthy' }, problems);
    const docs = render(checkEnvelopes(source.documents, problems), problems).map((d) => redactDocument(d, true));
    expect(docs.length).toBeGreaterThan(400);
    for (const d of docs) expect(readBack(emitYaml(d as unknown as Json)!)).toEqual(JSON.parse(JSON.stringify(d)));
  });
});
