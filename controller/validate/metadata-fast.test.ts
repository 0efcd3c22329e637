import { describe, expect, it } from 'vitest';
import { metadataSchemaAccepts } from './envelope.js';
import { metadataCertainlyValid } from './metadata-fast.js';

const doc = {
  schema: 'metadata/Document/v1',
  name: 'a',
  storagePolicy: 'cleartext',
  layeringDefinition: {
    layer: 'site',
    abstract: false,
    parentSelector: { k: 'v' },
    actions: [{ method: 'merge', path: '.' }],
  },
  substitutions: [
    {
      src: { schema: 'a/B/v1', name: 'b', path: '.', pattern: 'x', match_group: 1, deepcopy: true },
      dest: { path: '.x', pattern: 'y', recurse: { depth: -1 } },
    },
  ],
  labels: { a: 'b' },
  replacement: false,
};
const control = {
  schema: 'metadata/Control/v1',
  name: 'c',
  labels: { a: 'b' },
  storagePolicy: 'cleartext',
  layeringDefinition: { layer: 'global', abstract: false },
  extra: 1,
};

type Meta = Record<string, unknown>;
const set = (base: Meta, path: string[], value: unknown): Meta => {
  const copy = structuredClone(base);
  let o: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[path.at(-1)!];
  else o[path.at(-1)!] = value;
  return copy;
};

// Rows: [base, path to change, new value (undefined deletes)].
const rows: Array<[Meta, string[], unknown]> = [
  [doc, ['name'], ''],
  [doc, ['name'], 3],
  [doc, ['labels'], ['a']],
  [doc, ['labels'], { a: 1 }],
  [doc, ['replacement'], 'yes'],
  [doc, ['storagePolicy'], undefined],
  [doc, ['other'], 1],
  [doc, ['layeringDefinition', 'layer'], ''],
  [doc, ['layeringDefinition', 'abstract'], undefined],
  [doc, ['layeringDefinition', 'parentSelector'], {}],
  [doc, ['layeringDefinition', 'parentSelector'], undefined],
  [doc, ['layeringDefinition', 'actions'], []],
  [doc, ['layeringDefinition', 'actions'], [{ method: 'merge' }]],
  [doc, ['layeringDefinition', 'actions'], [{ method: 'merge', path: '.', extra: 1 }]],
  [doc, ['layeringDefinition', 'actions'], [{ method: 1, path: '.' }]],
  [doc, ['layeringDefinition', 'extra'], 1],
  [doc, ['substitutions'], []],
  [doc, ['substitutions'], {}],
  [doc, ['substitutions', '0', 'extra'], 1],
  [doc, ['substitutions', '0', 'src', 'match_group'], 1.5],
  [doc, ['substitutions', '0', 'src', 'deepcopy'], 'no'],
  [doc, ['substitutions', '0', 'src', 'schema'], 'a/B/v1/x'],
  [doc, ['substitutions', '0', 'src', 'extra'], 1],
  [doc, ['substitutions', '0', 'dest'], []],
  [doc, ['substitutions', '0', 'dest'], [{ path: '.a' }, { path: '.b', pattern: 'p' }]],
  [doc, ['substitutions', '0', 'dest'], [{ path: '.a' }, { pattern: 'p' }]],
  [doc, ['substitutions', '0', 'dest'], 'x'],
  [doc, ['substitutions', '0', 'dest', 'recurse'], { depth: -2 }],
  [doc, ['substitutions', '0', 'dest', 'recurse'], { depth: 2, other: true }],
  [doc, ['substitutions', '0', 'dest', 'recurse'], {}],
  [doc, ['substitutions', '0', 'dest', 'extra'], 1],
  [control, ['labels'], { a: 1 }],
  [control, ['name'], undefined],
  [control, ['storagePolicy'], 'plain'],
  [control, ['substitutions'], []],
  [control, ['replacement'], true],
  [control, ['layeringDefinition', 'actions'], []],
  [control, ['layeringDefinition', 'layer'], 1],
  [control, ['layeringDefinition', 'other'], 1],
  [control, ['schema'], 'metadata/Control/v2'],
];

describe('metadataCertainlyValid', () => {
  it('accepts the full valid examples', () => {
    expect([metadataCertainlyValid(doc), metadataCertainlyValid(control)]).toEqual([true, true]);
    expect([metadataSchemaAccepts(doc), metadataSchemaAccepts(control)]).toEqual([true, true]);
  });
  for (const [base, path, value] of rows) {
    it(`agrees with the JSON Schema when ${base === doc ? 'document' : 'control'} ${path.join('.')} = ${JSON.stringify(value)}`, () => {
      const meta = set(base, path, value);
      expect(metadataCertainlyValid(meta)).toBe(metadataSchemaAccepts(meta));
    });
  }
});
