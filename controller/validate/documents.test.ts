import { describe, expect, it } from 'vitest';
import { Problems } from '../problems/index.js';
import { validateDocuments } from './documents.js';
import { VALID_EXAMPLES } from './fixtures.js';
import { builtinSchemas } from './schemas/index.js';
import { edit, lines, renderedDocs } from './test-helpers.js';

function validate(text: string, path = 'site/lab/docs.yaml', options = {}) {
  const problems = new Problems();
  validateDocuments(renderedDocs(path, text), problems, options);
  return lines(problems);
}

describe('validateDocuments: built-in schemas', () => {
  it('has a valid example for every built-in schema', () => {
    expect(Object.keys(VALID_EXAMPLES).sort()).toEqual(Object.keys(builtinSchemas).sort());
  });

  for (const [schema, text] of Object.entries(VALID_EXAMPLES)) {
    it(`accepts a valid ${schema}`, () => {
      expect(validate(`---\n${text}`)).toEqual([]);
    });
  }

  const chart = `---\n${VALID_EXAMPLES['armada/Chart/v1']}`;
  const chartRows: Array<{ name: string; edits: ReadonlyArray<readonly [string, string]>; want: string[] }> = [
    {
      name: 'missing release',
      edits: [['  release: ingress\n', '']],
      want: [
        "site/lab/docs.yaml:10: SchemaValidationError: [armada/Chart/v1] ingress: data is missing required property 'release' (built-in schema armada/Chart/v1)",
      ],
    },
    {
      name: 'unknown top-level key',
      edits: [['  timeout: 300\n', '  timeout: 300\n  retries: 3\n']],
      want: [
        'site/lab/docs.yaml:15: SchemaValidationError: [armada/Chart/v1] ingress: data.retries is not an allowed property (built-in schema armada/Chart/v1)',
      ],
    },
    {
      name: 'wait timeout not an integer',
      edits: [['    timeout: 600', '    timeout: 10m']],
      want: [
        'site/lab/docs.yaml:28: SchemaValidationError: [armada/Chart/v1] ingress: data.wait.timeout must be integer, not string (built-in schema armada/Chart/v1)',
      ],
    },
    {
      name: 'wait resource without a type',
      edits: [['      - type: job\n', '      - labels: {a: b}\n']],
      want: [
        "site/lab/docs.yaml:34: SchemaValidationError: [armada/Chart/v1] ingress: data.wait.resources[1] is missing required property 'type' (built-in schema armada/Chart/v1)",
      ],
    },
    {
      name: 'unknown source type',
      edits: [['    type: local', '    type: helm']],
      want: [
        'site/lab/docs.yaml:47: SchemaValidationError: [armada/Chart/v1] ingress: data.source.type must be one of: "local", "tar", "git" (built-in schema armada/Chart/v1)',
      ],
    },
    {
      name: 'source without a location',
      edits: [['    location: charts\n', '']],
      want: [
        "site/lab/docs.yaml:46: SchemaValidationError: [armada/Chart/v1] ingress: data.source is missing required property 'location' (built-in schema armada/Chart/v1)",
      ],
    },
    {
      name: 'values not a mapping',
      edits: [['  values:\n    replicas: 2\n', '  values: [2]\n']],
      want: [
        'site/lab/docs.yaml:42: SchemaValidationError: [armada/Chart/v1] ingress: data.values must be object, not array (built-in schema armada/Chart/v1)',
      ],
    },
    {
      name: 'test neither boolean nor mapping',
      edits: [['  test:\n    enabled: true\n    timeout: 120\n', '  test: yes please\n']],
      want: [
        'site/lab/docs.yaml:37: SchemaValidationError: [armada/Chart/v1] ingress: data.test must be boolean or object, not string (built-in schema armada/Chart/v1)',
      ],
    },
    {
      name: 'unknown key in upgrade.pre',
      edits: [['    pre:\n', '    pre:\n      restart: []\n']],
      want: [
        'site/lab/docs.yaml:20: SchemaValidationError: [armada/Chart/v1] ingress: data.upgrade.pre.restart is not an allowed property (built-in schema armada/Chart/v1)',
      ],
    },
    {
      name: 'protected.continue_processing not a boolean',
      edits: [['continue_processing: true', 'continue_processing: sometimes']],
      want: [
        'site/lab/docs.yaml:41: SchemaValidationError: [armada/Chart/v1] ingress: data.protected.continue_processing must be boolean, not string (built-in schema armada/Chart/v1)',
      ],
    },
  ];
  for (const row of chartRows) {
    it(`armada/Chart/v1 rejects: ${row.name}`, () => {
      expect(validate(edit(chart, row.edits))).toEqual(row.want);
    });
  }

  it("accepts Armada's short forms: test as a boolean, no subpath, no upgrade.no_hooks", () => {
    const text = edit(chart, [
      ['  test:\n    enabled: true\n    timeout: 120\n', '  test: false\n'],
      ['    subpath: ingress\n', ''],
      ['    no_hooks: false\n    pre:', '    pre:'],
    ]);
    expect(validate(text)).toEqual([]);
  });

  const host = `---\n${VALID_EXAMPLES['slipway/BaremetalHost/v1']}`;
  const hostRows: typeof chartRows = [
    {
      name: 'missing node',
      edits: [['  node: node01\n', '']],
      want: [
        "site/lab/docs.yaml:10: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data is missing required property 'node' (built-in schema slipway/BaremetalHost/v1)",
      ],
    },
    {
      name: 'BMC address with an unknown scheme',
      edits: [['redfish+https://10.0.0.11', 'https://10.0.0.11']],
      want: [
        'site/lab/docs.yaml:13: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.bmc.address must match pattern "^(ipmi|redfish|redfish\\+http|redfish\\+https|redfish-virtualmedia|idrac-redfish|idrac-virtualmedia|fake)://[^\\s/]+" (built-in schema slipway/BaremetalHost/v1)',
      ],
    },
    {
      name: 'both credentials and a secret reference',
      edits: [['    credentials:\n', '    credentialsSecretRef: {name: node01-bmc}\n    credentials:\n']],
      want: [
        'site/lab/docs.yaml:12: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.bmc must have at most one of credentialsSecretRef or credentials (built-in schema slipway/BaremetalHost/v1)',
      ],
    },
    {
      name: 'credentials without a password',
      edits: [['      password: s3cr3t\n', '']],
      want: [
        "site/lab/docs.yaml:14: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.bmc.credentials is missing required property 'password' (built-in schema slipway/BaremetalHost/v1)",
      ],
    },
    {
      name: 'malformed boot MAC address',
      edits: [['bootMACAddress: "52:54:00:12:34:56"', 'bootMACAddress: 52-54-00-12-34-56']],
      want: [
        'site/lab/docs.yaml:18: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.bootMACAddress must match pattern "^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$" (built-in schema slipway/BaremetalHost/v1)',
      ],
    },
    {
      name: 'image without a checksum',
      edits: [['    checksum: http://images.lab/jammy.qcow2.sha256\n', '']],
      want: [
        "site/lab/docs.yaml:20: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.image is missing required property 'checksum' (built-in schema slipway/BaremetalHost/v1)",
      ],
    },
    {
      name: 'image URL that is not a URI',
      edits: [['url: http://images.lab/jammy.qcow2', 'url: jammy image']],
      want: [
        'site/lab/docs.yaml:21: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.image.url must match format "uri" (built-in schema slipway/BaremetalHost/v1)',
      ],
    },
    {
      name: 'inspect not a boolean',
      edits: [['inspect: false', 'inspect: later']],
      want: [
        'site/lab/docs.yaml:27: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.inspect must be boolean, not string (built-in schema slipway/BaremetalHost/v1)',
      ],
    },
    {
      name: 'unknown root device hint',
      edits: [['    deviceName: /dev/sda\n', '    device: /dev/sda\n']],
      want: [
        'site/lab/docs.yaml:29: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.rootDeviceHints.device is not an allowed property (built-in schema slipway/BaremetalHost/v1)',
      ],
    },
  ];
  for (const row of hostRows) {
    it(`slipway/BaremetalHost/v1 rejects: ${row.name}`, () => {
      expect(validate(edit(host, row.edits))).toEqual(row.want);
    });
  }

  it('never prints a value in a message (it may be a substituted secret)', () => {
    const text = edit(host, [
      ['      password: s3cr3t\n', '      password: 918273645\n'],
      ['      username: admin\n', '      username: [hunter2]\n'],
    ]);
    const out = validate(text);
    expect(out).toEqual([
      'site/lab/docs.yaml:15: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.bmc.credentials.username must be string, not array (built-in schema slipway/BaremetalHost/v1)',
      'site/lab/docs.yaml:16: SchemaValidationError: [slipway/BaremetalHost/v1] node01: data.bmc.credentials.password must be string, not integer (built-in schema slipway/BaremetalHost/v1)',
    ]);
    expect(out.join('\n')).not.toMatch(/918273645|hunter2/);
  });

  it('accepts a BaremetalHost that only adds to its Drydock node (no BMC, no boot MAC)', () => {
    expect(
      validate(
        edit(host, [
          [
            '  bmc:\n    address: redfish+https://10.0.0.11/redfish/v1/Systems/1\n    credentials:\n      username: admin\n      password: s3cr3t\n    disableCertificateVerification: true\n',
            '',
          ],
          ['  bootMACAddress: "52:54:00:12:34:56"\n', ''],
        ]),
      ),
    ).toEqual([]);
    expect(validate(edit(host, [['    credentials:\n      username: admin\n      password: s3cr3t\n', '']]))).toEqual(
      [],
    );
  });

  it('accepts a BaremetalHost with a secret reference and every BMC scheme', () => {
    const withRef = edit(host, [
      [
        '    credentials:\n      username: admin\n      password: s3cr3t\n',
        '    credentialsSecretRef:\n      name: node01-bmc\n      namespace: metal\n',
      ],
    ]);
    for (const scheme of [
      'ipmi://10.0.0.11:623',
      'redfish://bmc',
      'redfish+http://bmc',
      'redfish-virtualmedia://bmc/x',
      'idrac-redfish://bmc',
      'idrac-virtualmedia://bmc',
      'fake://node01',
    ]) {
      expect(validate(edit(withRef, [['redfish+https://10.0.0.11/redfish/v1/Systems/1', scheme]]))).toEqual([]);
    }
  });

  const otherRows: Array<{ name: string; text: string; want: string[] }> = [
    {
      name: 'Manifest without chart_groups',
      text: edit(`---\n${VALID_EXAMPLES['armada/Manifest/v1']}`, [['  chart_groups:\n    - infra\n    - apps\n', '']]),
      want: [
        "site/lab/docs.yaml:10: SchemaValidationError: [armada/Manifest/v1] site-manifest: data is missing required property 'chart_groups' (built-in schema armada/Manifest/v1)",
      ],
    },
    {
      name: 'ChartGroup with a chart that is not a name',
      text: edit(`---\n${VALID_EXAMPLES['armada/ChartGroup/v1']}`, [['    - ingress\n', '    - {name: ingress}\n']]),
      want: [
        'site/lab/docs.yaml:15: SchemaValidationError: [armada/ChartGroup/v1] infra: data.chart_group[0] must be string, not object (built-in schema armada/ChartGroup/v1)',
      ],
    },
    {
      name: 'Passphrase that is not a string',
      text: edit(`---\n${VALID_EXAMPLES['deckhand/Passphrase/v1']}`, [['data: s3cr3t', 'data: {password: x}']]),
      want: [
        'site/lab/docs.yaml:10: SchemaValidationError: [deckhand/Passphrase/v1] ipmi-password: data must be string, not object (built-in schema deckhand/Passphrase/v1)',
      ],
    },
    {
      name: 'LayeringPolicy without layerOrder',
      text: edit(`---\n${VALID_EXAMPLES['deckhand/LayeringPolicy/v1']}`, [
        ['  layerOrder: [global, type, site]\n', '  order: [global]\n'],
      ]),
      want: [
        "site/lab/docs.yaml:6: SchemaValidationError: [deckhand/LayeringPolicy/v1] layering-policy: data is missing required property 'layerOrder' (built-in schema deckhand/LayeringPolicy/v1)",
        'site/lab/docs.yaml:7: SchemaValidationError: [deckhand/LayeringPolicy/v1] layering-policy: data.order is not an allowed property (built-in schema deckhand/LayeringPolicy/v1)',
      ],
    },
    {
      name: 'ValidationPolicy with a badly named validation',
      text: edit(`---\n${VALID_EXAMPLES['deckhand/ValidationPolicy/v1']}`, [
        ['deckhand-schema-validation', 'deckhand-schema'],
      ]),
      want: [
        'site/lab/docs.yaml:8: SchemaValidationError: [deckhand/ValidationPolicy/v1] site-deploy-ready: data.validations[0].name must match pattern "^.*-(validation|verification)$" (built-in schema deckhand/ValidationPolicy/v1)',
      ],
    },
    {
      name: 'BaremetalNode with an unknown key',
      text: edit(`---\n${VALID_EXAMPLES['drydock/BaremetalNode/v1']}`, [
        ['  host_profile: cp\n', '  host_profile: cp\n  hostname: node01\n'],
      ]),
      want: [
        'site/lab/docs.yaml:12: SchemaValidationError: [drydock/BaremetalNode/v1] node01: data.hostname is not an allowed property (built-in schema drydock/BaremetalNode/v1)',
      ],
    },
    {
      name: 'DeploymentConfiguration without a manifest',
      text: edit(`---\n${VALID_EXAMPLES['shipyard/DeploymentConfiguration/v1']}`, [
        ['    manifest: site-manifest\n', ''],
      ]),
      want: [
        "site/lab/docs.yaml:16: SchemaValidationError: [shipyard/DeploymentConfiguration/v1] deployment-configuration: data.armada is missing required property 'manifest' (built-in schema shipyard/DeploymentConfiguration/v1)",
      ],
    },
    {
      name: 'SiteDefinition without site_type',
      text: edit(`---\n${VALID_EXAMPLES['pegleg/SiteDefinition/v1']}`, [['  site_type: edge\n', '']]),
      want: [
        "site/lab/docs.yaml:10: SchemaValidationError: [pegleg/SiteDefinition/v1] lab: data is missing required property 'site_type' (built-in schema pegleg/SiteDefinition/v1)",
      ],
    },
  ];
  for (const row of otherRows) {
    it(`rejects: ${row.name}`, () => {
      expect(validate(row.text)).toEqual(row.want);
    });
  }
});
