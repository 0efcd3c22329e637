// The site every hostile case starts from: a small Pegleg repository that renders, validates
// and plans cleanly, with secrets in every place a secret can go (BMC credentials by
// substitution, chart values by substitution, a document inheriting from an encrypted parent).

import { randomBytes } from 'node:crypto';

export type Files = Record<string, string>;

export interface BaseSite {
  files: Files;
  /** Values that must never appear in any output (no case passes --show-secrets). */
  secrets: string[];
}

const meta = (name: string, layer: string, extra = '', policy = 'cleartext') =>
  `metadata:\n  schema: metadata/Document/v1\n  name: ${name}\n  storagePolicy: ${policy}\n  layeringDefinition:\n    abstract: false\n    layer: ${layer}\n${extra}`;

export function baseSite(): BaseSite {
  const tag = randomBytes(6).toString('hex');
  const bmcPassword = `corpus-bmc-${tag}`;
  const token = `corpus-token-${tag}`;
  const inherited = `corpus-inherited-${tag}`;
  const files: Files = {
    'global/layering-policy.yaml': `schema: deckhand/LayeringPolicy/v1\nmetadata:\n  schema: metadata/Control/v1\n  name: layering-policy\ndata:\n  layerOrder: [global, type, site]\n`,
    'global/software/app.yaml': `schema: armada/Chart/v1
metadata:
  schema: metadata/Document/v1
  name: app-global
  labels: {component: app}
  storagePolicy: cleartext
  layeringDefinition: {layer: global, abstract: true}
data:
  chart_name: app
  release: app
  namespace: apps
  source: {type: local, location: charts/app}
  values: {replicaCount: 1, message: hello}
`,
    'global/secrets/defaults.yaml': `schema: corpus/Credentials/v1
metadata:
  schema: metadata/Document/v1
  name: default-credentials
  labels: {secret: default}
  storagePolicy: encrypted
  layeringDefinition: {layer: global, abstract: false}
data: {password: ${inherited}}
`,
    'site/lab/config/credentials.yaml': `schema: corpus/Credentials/v1
metadata:
  schema: metadata/Document/v1
  name: site-credentials
  storagePolicy: cleartext
  layeringDefinition:
    abstract: false
    layer: site
    parentSelector: {secret: default}
    actions: [{method: merge, path: .}]
data: {user: lab}
`,
    'type/edge/software/groups.yaml': `schema: armada/ChartGroup/v1
${meta('apps', 'type')}data:
  description: applications
  sequenced: false
  chart_group: [app]
---
schema: armada/Manifest/v1
${meta('site-manifest', 'type')}data:
  release_prefix: edge
  chart_groups: [apps]
`,
    'site/lab/site-definition.yaml': `schema: pegleg/SiteDefinition/v1\n${meta('lab', 'site')}data:\n  site_type: edge\n`,
    'site/lab/secrets/passphrases.yaml': `schema: deckhand/Passphrase/v1
${meta('bmc-password', 'site', '', 'encrypted')}data: ${bmcPassword}
---
schema: deckhand/Passphrase/v1
${meta('app-token', 'site', '', 'encrypted')}data: ${token}
`,
    'site/lab/software/app.yaml': `schema: armada/Chart/v1
metadata:
  schema: metadata/Document/v1
  name: app
  storagePolicy: cleartext
  layeringDefinition:
    abstract: false
    layer: site
    parentSelector: {component: app}
    actions: [{method: merge, path: .values}]
  substitutions:
    - src: {schema: deckhand/Passphrase/v1, name: app-token, path: .}
      dest: {path: .values.token}
data:
  values: {replicaCount: 2}
`,
    'site/lab/baremetal/nodes.yaml': `schema: drydock/BaremetalNode/v1
${meta('node01', 'site')}data:
  host_profile: cp
  primary_network: oam
  addressing:
    - network: oob
      address: 127.0.0.1
  metadata:
    boot_mac: "52:54:00:12:34:56"
---
schema: slipway/BaremetalHost/v1
metadata:
  schema: metadata/Document/v1
  name: node01
  storagePolicy: cleartext
  layeringDefinition: {abstract: false, layer: site}
  substitutions:
    - src: {schema: deckhand/Passphrase/v1, name: bmc-password, path: .}
      dest: {path: .bmc.credentials.password}
data:
  node: node01
  bmc:
    address: redfish+http://127.0.0.1:9/redfish/v1/Systems/1
    credentials: {username: admin}
  bootMACAddress: "52:54:00:12:34:56"
`,
    'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
    'charts/app/values.yaml': 'replicaCount: 1\n',
  };
  for (const path of Object.keys(files))
    if (path.endsWith('.yaml') && !path.startsWith('charts/')) files[path] = `---\n${files[path]}`;
  return { files, secrets: [bmcPassword, token, inherited] };
}
