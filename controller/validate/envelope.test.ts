import { describe, expect, it } from 'vitest';
import { Problems } from '../problems/index.js';
import { checkEnvelopes, metadataSchemaAccepts } from './envelope.js';
import { metadataCertainlyValid } from './metadata-fast.js';
import { edit, lines, sourceDocs } from './test-helpers.js';

// A valid document whose metadata uses every field; rows below change one thing in it.
const BASE = `---
schema: armada/Chart/v1
metadata:
  schema: metadata/Document/v1
  name: ingress
  labels:
    name: ingress-site
  storagePolicy: cleartext
  layeringDefinition:
    abstract: false
    layer: site
    parentSelector:
      name: ingress-global
    actions:
      - method: merge
        path: .
  substitutions:
    - src:
        schema: deckhand/Passphrase/v1
        name: ingress-password
        path: .
      dest:
        path: .values.password
data: {}
`;

const CONTROL = `---
schema: deckhand/LayeringPolicy/v1
metadata:
  schema: metadata/Control/v1
  name: layering-policy
data:
  layerOrder: [global, type, site]
`;

function check(text: string) {
  const problems = new Problems();
  const docs = sourceDocs('site/lab/chart.yaml', text);
  // The fast path and the JSON Schemas must agree on every case below.
  for (const d of docs) expect(metadataCertainlyValid(d.metadata)).toBe(metadataSchemaAccepts(d.metadata));
  const valid = checkEnvelopes(docs, problems);
  return { valid: valid.length, lines: lines(problems) };
}

describe('checkEnvelopes', () => {
  it('accepts a valid document and a valid control document', () => {
    expect(check(BASE)).toEqual({ valid: 1, lines: [] });
    expect(check(CONTROL)).toEqual({ valid: 1, lines: [] });
  });

  it('accepts the variants Deckhand accepts', () => {
    const variants: Array<ReadonlyArray<readonly [string, string]>> = [
      [['storagePolicy: cleartext', 'storagePolicy: encrypted']],
      [
        [
          '        path: .values.password\n',
          '        path: .values.password\n        pattern: PASSWORD\n        recurse:\n          depth: -1\n',
        ],
      ],
      [
        [
          '      dest:\n        path: .values.password\n',
          '      dest:\n        - path: .values.password\n        - path: .values.other\n',
        ],
      ],
      [
        [
          '        path: .\n      dest',
          "        path: .\n        pattern: '^(.*)$'\n        match_group: 1\n        deepcopy: true\n      dest",
        ],
      ],
      [['    parentSelector:\n      name: ingress-global\n    actions:\n      - method: merge\n        path: .\n', '']],
      [['  labels:\n    name: ingress-site\n', '  replacement: true\n']],
    ];
    for (const v of variants) expect(check(edit(BASE, v))).toEqual({ valid: 1, lines: [] });
  });

  // Each row: what is changed in BASE, and the exact problem lines expected.
  const rows: Array<{ name: string; edits: ReadonlyArray<readonly [string, string]>; want: string[] }> = [
    {
      name: 'schema without a version',
      edits: [['schema: armada/Chart/v1', 'schema: armada/Chart']],
      want: [
        "site/lab/chart.yaml:2: InvalidDocumentFormat: [armada/Chart] ingress: schema must look like 'namespace/Kind/v1', not 'armada/Chart'",
      ],
    },
    {
      name: 'unknown metadata schema',
      edits: [['schema: metadata/Document/v1', 'schema: metadata/Document/v2']],
      want: [
        'site/lab/chart.yaml:4: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.schema must be metadata/Document/v1 or metadata/Control/v1, not "metadata/Document/v2"',
      ],
    },
    {
      name: 'missing storagePolicy',
      edits: [['  storagePolicy: cleartext\n', '']],
      want: [
        "site/lab/chart.yaml:3: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata is missing required property 'storagePolicy'",
      ],
    },
    {
      name: 'unknown storagePolicy',
      edits: [['storagePolicy: cleartext', 'storagePolicy: plain']],
      want: [
        'site/lab/chart.yaml:8: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.storagePolicy must be one of: "cleartext", "encrypted"',
      ],
    },
    {
      name: 'missing layeringDefinition',
      edits: [
        [
          '  layeringDefinition:\n    abstract: false\n    layer: site\n    parentSelector:\n      name: ingress-global\n    actions:\n      - method: merge\n        path: .\n',
          '',
        ],
      ],
      want: [
        "site/lab/chart.yaml:3: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata is missing required property 'layeringDefinition'",
      ],
    },
    {
      name: 'missing layer',
      edits: [['    layer: site\n', '']],
      want: [
        "site/lab/chart.yaml:9: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition is missing required property 'layer'",
      ],
    },
    {
      name: 'unknown key in layeringDefinition',
      edits: [['    abstract: false\n', '    abstract: false\n    parent: x\n']],
      want: [
        'site/lab/chart.yaml:11: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition.parent is not an allowed property',
      ],
    },
    {
      name: 'abstract not a boolean',
      edits: [['abstract: false', 'abstract: maybe']],
      want: [
        'site/lab/chart.yaml:10: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition.abstract must be boolean, not string',
      ],
    },
    {
      name: 'unknown action method',
      edits: [['method: merge', 'method: append']],
      want: [
        'site/lab/chart.yaml:15: UnsupportedActionMethod: [armada/Chart/v1] ingress: metadata.layeringDefinition.actions[0].method "append" is not a layering method (merge, replace or delete)',
      ],
    },
    {
      name: 'action without a path',
      edits: [['      - method: merge\n        path: .\n', '      - method: merge\n']],
      want: [
        "site/lab/chart.yaml:15: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition.actions[0] is missing required property 'path'",
      ],
    },
    {
      name: 'empty actions list',
      edits: [['    actions:\n      - method: merge\n        path: .\n', '    actions: []\n']],
      want: [
        'site/lab/chart.yaml:14: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition.actions must NOT have fewer than 1 items',
      ],
    },
    {
      name: 'parentSelector without actions',
      edits: [['    actions:\n      - method: merge\n        path: .\n', '']],
      want: [
        "site/lab/chart.yaml:9: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition must have 'actions' when it has 'parentSelector'",
      ],
    },
    {
      name: 'actions without parentSelector',
      edits: [['    parentSelector:\n      name: ingress-global\n', '']],
      want: [
        "site/lab/chart.yaml:9: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layeringDefinition must have 'parentSelector' when it has 'actions'",
      ],
    },
    {
      name: 'substitution source without a path',
      edits: [['        name: ingress-password\n        path: .\n', '        name: ingress-password\n']],
      want: [
        "site/lab/chart.yaml:18: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.substitutions[0].src is missing required property 'path'",
      ],
    },
    {
      name: 'substitution source schema without a version',
      edits: [['schema: deckhand/Passphrase/v1', 'schema: deckhand/Passphrase']],
      want: [
        'site/lab/chart.yaml:19: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.substitutions[0].src.schema must match pattern "^[A-Za-z]+/[A-Za-z]+/v\\d+$"',
      ],
    },
    {
      name: 'substitution without a destination',
      edits: [['      dest:\n        path: .values.password\n', '']],
      want: [
        "site/lab/chart.yaml:18: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.substitutions[0] is missing required property 'dest'",
      ],
    },
    {
      name: 'empty destination list',
      edits: [['      dest:\n        path: .values.password\n', '      dest: []\n']],
      want: [
        'site/lab/chart.yaml:22: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.substitutions[0].dest must NOT have fewer than 1 items',
      ],
    },
    {
      name: 'destination in a list without a path',
      edits: [['      dest:\n        path: .values.password\n', '      dest:\n        - pattern: X\n']],
      want: [
        "site/lab/chart.yaml:23: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.substitutions[0].dest[0] is missing required property 'path'",
      ],
    },
    {
      name: 'recurse without depth',
      edits: [['        path: .values.password\n', '        path: .values.password\n        recurse: {}\n']],
      want: [
        "site/lab/chart.yaml:24: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.substitutions[0].dest.recurse is missing required property 'depth'",
      ],
    },
    {
      name: 'unknown key in metadata',
      edits: [['  storagePolicy: cleartext\n', '  storagePolicy: cleartext\n  layering: {}\n']],
      want: [
        'site/lab/chart.yaml:9: InvalidDocumentFormat: [armada/Chart/v1] ingress: metadata.layering is not an allowed property',
      ],
    },
  ];

  for (const row of rows) {
    it(`rejects: ${row.name}`, () => {
      expect(check(edit(BASE, row.edits))).toEqual({ valid: 0, lines: row.want });
    });
  }

  const controlRows: typeof rows = [
    {
      name: 'control document with substitutions',
      edits: [['  name: layering-policy\n', '  name: layering-policy\n  substitutions: []\n']],
      want: [
        'site/lab/chart.yaml:6: InvalidDocumentFormat: [deckhand/LayeringPolicy/v1] layering-policy: metadata.substitutions is not allowed: control documents take no layering or substitution',
      ],
    },
    {
      name: 'control document with a parentSelector',
      edits: [
        [
          '  name: layering-policy\n',
          '  name: layering-policy\n  layeringDefinition:\n    layer: global\n    parentSelector: {a: b}\n',
        ],
      ],
      want: [
        'site/lab/chart.yaml:8: InvalidDocumentFormat: [deckhand/LayeringPolicy/v1] layering-policy: metadata.layeringDefinition.parentSelector is not allowed: control documents take no layering or substitution',
      ],
    },
  ];
  for (const row of controlRows) {
    it(`rejects: ${row.name}`, () => {
      expect(check(edit(CONTROL, row.edits))).toEqual({ valid: 0, lines: row.want });
    });
  }

  it('keeps the valid documents and drops only the invalid ones', () => {
    const problems = new Problems();
    const docs = sourceDocs('x.yaml', BASE + edit(CONTROL, [['metadata/Control/v1', 'metadata/Other/v1']]));
    const valid = checkEnvelopes(docs, problems);
    expect(valid.map((d) => d.metadata.name)).toEqual(['ingress']);
    expect(lines(problems)).toEqual([
      'x.yaml:28: InvalidDocumentFormat: [deckhand/LayeringPolicy/v1] layering-policy: metadata.schema must be metadata/Document/v1 or metadata/Control/v1, not "metadata/Other/v1"',
    ]);
  });
});
