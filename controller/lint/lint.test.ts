import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../problems/index.js';
import { type LintOptions, lintRepository } from './index.js';

const doc = (schema: string, name: string, layer: string, data: string, policy = 'cleartext') => `---
schema: ${schema}
metadata:
  schema: metadata/Document/v1
  name: ${name}
  storagePolicy: ${policy}
  layeringDefinition:
    abstract: false
    layer: ${layer}
data:
${data}`;

const DATA_SCHEMA = `---
schema: deckhand/DataSchema/v1
metadata:
  schema: metadata/Control/v1
  name: example/Thing/v1
data:
  $schema: http://json-schema.org/draft-04/schema#
  type: object
`;

/** A small valid Pegleg repository; each test changes a few files of it. */
const BASE: Record<string, string> = {
  'global/layering-policy.yaml': `---
schema: deckhand/LayeringPolicy/v1
metadata:
  schema: metadata/Control/v1
  name: layering-policy
data:
  layerOrder: [global, type, site]
`,
  'global/schemas/thing.yaml': DATA_SCHEMA,
  'global/things.yaml': doc('example/Thing/v1', 'thing', 'global', '  size: 1\n'),
  'type/edge/things.yaml': doc('example/Thing/v1', 'thing-edge', 'type', '  size: 2\n'),
  'site/lab/site-definition.yaml': doc('pegleg/SiteDefinition/v1', 'lab', 'site', '  site_type: edge\n'),
  'site/lab/secrets/passphrases/ipmi.yaml': doc(
    'deckhand/Passphrase/v1',
    'ipmi-password',
    'site',
    '  s3cr3t\n',
    'encrypted',
  ),
  'site/lab/things.yaml': doc('example/Thing/v1', 'thing-lab', 'site', '  size: 3\n'),
};

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** Write BASE with `changes` applied (null deletes a file) to a new temp folder. */
async function repo(changes: Record<string, string | null> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-lint-'));
  roots.push(root);
  for (const [rel, text] of Object.entries({ ...BASE, ...changes })) {
    if (text === null) continue;
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

async function lint(changes: Record<string, string | null>, options: LintOptions = {}): Promise<string[]> {
  const root = await repo(changes);
  return (await lintRepository(root, options)).map((p) => formatProblem(p).replaceAll(root, '<repo>'));
}

describe('lintRepository', () => {
  it('finds nothing wrong in a valid repository, whole or one site', async () => {
    expect(await lint({})).toEqual([]);
    expect(await lint({}, { site: 'lab' })).toEqual([]);
  });

  // Each row: files changed in BASE, and the exact lines expected (<repo> is the temp root).
  const rows: Array<{
    code: string;
    name: string;
    changes: Record<string, string | null>;
    options?: LintOptions;
    want: string[];
  }> = [
    {
      code: 'P001',
      name: 'a passphrase stored in cleartext',
      changes: {
        'site/lab/secrets/passphrases/ipmi.yaml': doc('deckhand/Passphrase/v1', 'ipmi-password', 'site', '  s3cr3t\n'),
      },
      want: [
        '<repo>/site/lab/secrets/passphrases/ipmi.yaml:6: P001: [deckhand/Passphrase/v1] ipmi-password is a secret (deckhand/Passphrase/v1) and must have storagePolicy: encrypted, not cleartext',
        '<repo>/site/lab/secrets/passphrases/ipmi.yaml:6: P009: [deckhand/Passphrase/v1] ipmi-password is in a secrets folder but has storagePolicy: cleartext (expected encrypted)',
      ],
    },
    {
      code: 'P003',
      name: 'a site type with no type folder',
      changes: {
        'site/lab/site-definition.yaml': doc('pegleg/SiteDefinition/v1', 'lab', 'site', '  site_type: core\n'),
      },
      want: [
        '<repo>/site/lab/site-definition.yaml:11: P003: [pegleg/SiteDefinition/v1] lab names site type "core" but there is no folder type/core',
      ],
    },
    {
      code: 'P003',
      name: 'no global folder',
      changes: {
        'global/layering-policy.yaml': null,
        'global/schemas/thing.yaml': null,
        'global/things.yaml': null,
        'type/edge/layering-policy.yaml': BASE['global/layering-policy.yaml']!,
      },
      want: [
        '<repo>/global:1: P003: the repository has no global/ folder',
        '<repo>/type/edge/things.yaml:2: warning: P005: UnknownDocumentSchema: no schema is known for example/Thing/v1: 2 documents of schema example/Thing/v1 (first: thing-edge) are not validated',
      ],
    },
    {
      code: 'P003',
      name: 'a site that does not exist',
      changes: {},
      options: { site: 'nowhere' },
      want: ['<repo>/site/nowhere:1: P003: site nowhere not found: there is no folder site/nowhere'],
    },
    {
      code: 'P004',
      name: 'a DataSchema defined twice for a site',
      changes: { 'site/lab/schemas/thing.yaml': DATA_SCHEMA },
      want: [
        '<repo>/site/lab/schemas/thing.yaml:5: P004: [deckhand/DataSchema/v1] example/Thing/v1 duplicates the DataSchema at <repo>/global/schemas/thing.yaml:2',
      ],
    },
    {
      code: 'P005',
      name: 'a document Deckhand rejects before rendering',
      changes: { 'type/edge/things.yaml': doc('example/Thing/v1', 'thing-edge', 'type', '  size: 2\n', 'plain') },
      want: [
        '<repo>/type/edge/things.yaml:6: P005: InvalidDocumentFormat: [example/Thing/v1] thing-edge: metadata.storagePolicy must be one of: "cleartext", "encrypted"',
      ],
    },
    {
      code: 'P005',
      name: 'a document that is not an envelope',
      changes: { 'type/edge/more.yaml': '---\n- just\n- a list\n' },
      want: [
        '<repo>/type/edge/more.yaml:2: P005: InvalidDocumentFormat: a document must be a mapping with schema, metadata and data',
      ],
    },
    {
      code: 'P005',
      name: 'a rendered document that fails its DataSchema',
      changes: {
        'global/schemas/thing.yaml': `${DATA_SCHEMA}  properties:\n    size: {type: integer}\n`,
        'site/lab/things.yaml': doc('example/Thing/v1', 'thing-lab', 'site', '  size: big\n'),
      },
      want: [
        '<repo>/site/lab/things.yaml:11: P005: SchemaValidationError: [example/Thing/v1] thing-lab: data.size must be integer, not string (DataSchema example/Thing/v1)',
      ],
    },
    {
      code: 'P005',
      name: 'a substitution whose source does not exist',
      changes: {
        'site/lab/things.yaml': doc('example/Thing/v1', 'thing-lab', 'site', '  size: 3\n').replace(
          '\ndata:',
          '\n  substitutions:\n    - src: {schema: deckhand/Passphrase/v1, name: missing, path: .}\n      dest: {path: .password}\ndata:',
        ),
      },
      // The message is the render stage's own.
      want: [
        '<repo>/site/lab/things.yaml:11: P005: SubstitutionSourceNotFound: [example/Thing/v1, site] thing-lab: substitution 0: source document [deckhand/Passphrase/v1] missing was not found among the concrete documents',
      ],
    },
    {
      code: 'P006',
      name: 'a file without a document header',
      changes: { 'global/things.yaml': doc('example/Thing/v1', 'thing', 'global', '  size: 1\n').slice(4) },
      want: [
        '<repo>/global/things.yaml:1: P006: global/things.yaml does not begin with the YAML document header "---"',
      ],
    },
    {
      code: 'P006',
      name: '(a licence comment before the header is fine)',
      changes: { 'global/things.yaml': `# Copyright\n\n${doc('example/Thing/v1', 'thing', 'global', '  size: 1\n')}` },
      want: [],
    },
    {
      code: 'P007',
      name: 'invalid YAML',
      changes: { 'site/lab/things.yaml': '---\nschema: example/Thing/v1\nmetadata: {name: [x\n' },
      want: [
        '<repo>/site/lab/things.yaml:4: P007: site/lab/things.yaml is not valid YAML: unexpected end of the stream within a flow collection',
      ],
    },
    {
      code: 'P008',
      name: 'a layer that does not match the folder',
      changes: { 'type/edge/things.yaml': doc('example/Thing/v1', 'thing-edge', 'site', '  size: 2\n') },
      want: [
        '<repo>/type/edge/things.yaml:9: P008: [example/Thing/v1] thing-edge has layer "site" but is in type/ (expected layer "type")',
      ],
    },
    {
      code: 'P009',
      name: 'a cleartext document under secrets/',
      changes: { 'site/lab/secrets/certs.yaml': doc('deckhand/Certificate/v1', 'apiserver', 'site', '  cert\n') },
      want: [
        '<repo>/site/lab/secrets/certs.yaml:6: P009: [deckhand/Certificate/v1] apiserver is in a secrets folder but has storagePolicy: cleartext (expected encrypted)',
      ],
    },
    {
      code: 'P010',
      name: 'a site folder without site-definition.yaml',
      changes: { 'site/edge-01/things.yaml': doc('example/Thing/v1', 'thing-edge-01', 'site', '  size: 4\n') },
      want: ['<repo>/site/edge-01/site-definition.yaml:1: P010: site folder site/edge-01 has no site-definition.yaml'],
    },
    {
      code: 'P011',
      name: 'a site definition without site_type',
      changes: { 'site/lab/site-definition.yaml': doc('pegleg/SiteDefinition/v1', 'lab', 'site', '  revision: v1\n') },
      want: [
        "<repo>/site/lab/site-definition.yaml:10: P011: [pegleg/SiteDefinition/v1] lab: data is missing required property 'site_type' (built-in schema pegleg/SiteDefinition/v1)",
      ],
    },
    {
      code: 'P011',
      name: 'a site-definition.yaml without a SiteDefinition',
      changes: { 'site/lab/site-definition.yaml': doc('example/Thing/v1', 'lab', 'site', '  size: 1\n') },
      want: [
        '<repo>/site/lab/site-definition.yaml:1: P011: site/lab/site-definition.yaml has no pegleg/SiteDefinition/v1 document',
      ],
    },
    {
      code: 'S001',
      name: 'an unresolved NEWSITE-CHANGEME placeholder',
      changes: {
        'site/lab/things.yaml': doc(
          'example/Thing/v1',
          'thing-lab',
          'site',
          '  size: 3\n  hosts:\n    - name: node01\n      address: NEWSITE-CHANGEME\n',
        ),
      },
      want: [
        '<repo>/site/lab/things.yaml:14: S001: [example/Thing/v1] thing-lab data.hosts[0].address still holds the placeholder NEWSITE-CHANGEME',
      ],
    },
    {
      code: 'S002',
      name: 'a passphrase outside secrets/ (a warning)',
      changes: {
        'site/lab/secrets/passphrases/ipmi.yaml': null,
        'site/lab/ipmi.yaml': BASE['site/lab/secrets/passphrases/ipmi.yaml']!,
      },
      want: [
        '<repo>/site/lab/ipmi.yaml:2: warning: S002: [deckhand/Passphrase/v1] ipmi-password is a secret (deckhand/Passphrase/v1) but is not stored under a secrets/ folder',
      ],
    },
    {
      code: 'S003',
      name: 'a mapping key written twice (a warning naming both lines; the last wins as in PyYAML)',
      changes: {
        'site/lab/things.yaml': doc('example/Thing/v1', 'thing-lab', 'site', '  size: 3\n  color: red\n  size: 4\n'),
      },
      want: [
        "<repo>/site/lab/things.yaml:13: warning: S003: site/lab/things.yaml: key 'size' is repeated in the same mapping (first at line 11); the value here wins, as PyYAML reads it",
      ],
    },
    {
      code: 'S004',
      name: "the migration report: a value Deckhand's shallow copy changes, with both values and the substitution that does it (a warning)",
      changes: {
        'global/endpoints.yaml': doc(
          'example/Thing/v1',
          'endpoints',
          'global',
          '  api:\n    port:\n      node: 31900\n',
        ),
        'global/ports.yaml': doc('example/Thing/v1', 'ports', 'global', '  drydock: 30000\n'),
        'site/lab/chart.yaml': `---
schema: example/Thing/v1
metadata:
  schema: metadata/Document/v1
  name: chart
  storagePolicy: cleartext
  layeringDefinition: {layer: site}
  substitutions:
    - src: {schema: example/Thing/v1, name: endpoints, path: .api}
      dest: {path: .values.api}
    - src: {schema: example/Thing/v1, name: ports, path: .drydock}
      dest: {path: .values.api.port.node}
data: {}
`,
      },
      want: [
        "<repo>/global/endpoints.yaml:13: warning: S004: site lab: [example/Thing/v1] endpoints .api.port.node: Deckhand renders 30000, the documents say 31900; Deckhand's shallow copy: substitution 1 of [example/Thing/v1, site] chart writes .values.api.port.node into a copy that shares this value, and so changes it here too",
      ],
    },
  ];

  for (const row of rows) {
    it(`${row.code}: ${row.name}`, async () => {
      expect(await lint(row.changes, row.options)).toEqual(row.want);
    });
  }

  it('finds nothing wrong in the example repository site-manifests/, and reports where Deckhand would render it differently', async () => {
    const root = new URL('../../site-manifests', import.meta.url).pathname;
    const problems = await lintRepository(root);
    expect(problems.filter((p) => p.code !== 'S004').map(formatProblem)).toEqual([]);
    // edge's site-settings deletes features.legacy_api (true); Deckhand deletes the first value equal
    // to it, and Python's True == 1: replicas.frontend goes instead, and legacy_api stays.
    const report = problems.filter((p) => p.code === 'S004').map(formatProblem);
    expect(report.map((l) => l.replace(/^(\S+): warning: S004: (site \S+): (\S+ \S+ \S+).*$/, '$1 $2 $3'))).toEqual([
      'site-manifests/site/edge-01/software/config/site-settings.yaml:17 site edge-01 [slipway/SiteSettings/v1] site-settings .features.legacy_api:',
      'site-manifests/site/edge-02/software/config/site-settings.yaml:22 site edge-02 [slipway/SiteSettings/v1] site-settings .features.legacy_api:',
      'site-manifests/type/edge/software/charts/apps/frontend.yaml:25 site lab Deckhand cannot render',
      'site-manifests/type/edge/software/charts/infra/feature-flags.yaml:26 site edge-01 [armada/Chart/v1] feature-flags .values.data.legacy_api:',
      'site-manifests/type/edge/software/charts/infra/feature-flags.yaml:26 site edge-02 [armada/Chart/v1] feature-flags .values.data.legacy_api:',
    ]);
    // In lab, replicas.frontend is gone for good, and the chart that substitutes it cannot render.
    expect(report[2]).toContain(
      "site lab: Deckhand cannot render this site, where the correct rendering can: SubstitutionSourceDataNotFound: [armada/Chart/v1, type] frontend: substitution 0: path '.replicas.frontend' was not found",
    );
    expect(report[0]).toContain(
      "Deckhand renders true, the documents say no value; inherited from [slipway/SiteSettings/v1, type] site-settings-edge: Deckhand's delete by value: layering action 2 (delete .features.legacy_api) removes the first equal value, at .replicas.frontend",
    );
  });

  it('drops excluded codes and downgrades warned ones', async () => {
    const changes = {
      'site/lab/secrets/passphrases/ipmi.yaml': doc('deckhand/Passphrase/v1', 'ipmi-password', 'site', '  s3cr3t\n'),
    };
    expect(await lint(changes, { exclude: ['P009'], warn: ['P001'] })).toEqual([
      '<repo>/site/lab/secrets/passphrases/ipmi.yaml:6: warning: P001: [deckhand/Passphrase/v1] ipmi-password is a secret (deckhand/Passphrase/v1) and must have storagePolicy: encrypted, not cleartext',
    ]);
  });

  it("with a site, looks only at global/, the site's type and the site", async () => {
    const changes = {
      'type/core/things.yaml': doc('example/Thing/v1', 'thing-core', 'site', '  size: 5\n'),
      'site/other/things.yaml': doc('example/Thing/v1', 'thing-other', 'global', '  size: 6\n'),
    };
    expect(await lint(changes, { site: 'lab' })).toEqual([]);
    expect(await lint(changes)).toEqual([
      '<repo>/site/other/site-definition.yaml:1: P010: site folder site/other has no site-definition.yaml',
      '<repo>/site/other/things.yaml:9: P008: [example/Thing/v1] thing-other has layer "global" but is in site/ (expected layer "site")',
      '<repo>/type/core/things.yaml:9: P008: [example/Thing/v1] thing-core has layer "site" but is in type/ (expected layer "type")',
    ]);
  });
});
