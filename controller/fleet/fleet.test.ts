import { describe, expect, it } from 'vitest';
import { parseText } from '../documents/parse.js';
import { formatProblem, Problems } from '../problems/index.js';
import { render } from '../render/index.js';
import { checkPlaceholders } from '../validate/placeholders.js';
import { diffSites } from './site-diff.js';
import { newSite, PLACEHOLDER, parseSet } from './site-new.js';

const DEFINITION = `---
schema: pegleg/SiteDefinition/v1
metadata:
  schema: metadata/Document/v1
  name: lab
  layeringDefinition: {layer: site}
  storagePolicy: cleartext
data:
  site_type: edge
`;

const ADDRESSES = `---
# the lab's addresses
schema: pegleg/CommonAddresses/v1
metadata:
  schema: metadata/Document/v1
  name: common-addresses
  layeringDefinition:
    layer: site
    parentSelector: {name: common-addresses-global}
    actions: [{method: merge, path: .}]
  storagePolicy: cleartext
data:
  site: {name: lab, domain: lab.example.com}
  bmc: {host: 10.0.0.5}
  labels: [laboratory]
`;

const NODES = `---
schema: drydock/BaremetalNode/v1
metadata:
  schema: metadata/Document/v1
  name: lab-node-01
  layeringDefinition: {layer: site}
  storagePolicy: cleartext
data:
  metadata: {boot_mac: '52:54:00:00:00:01'}
  addressing: [{network: oob, address: 10.0.0.11}]
---
schema: slipway/BaremetalHost/v1
metadata:
  schema: metadata/Document/v1
  name: lab-node-01
  layeringDefinition: {layer: site}
  storagePolicy: cleartext
data:
  node: lab-node-01
  bmc: {address: 'fake://lab-node-01'}
  bootMACAddress: '52:54:00:00:00:01'
`;

const PASSWORD = `---
schema: deckhand/Passphrase/v1
metadata: {schema: metadata/Document/v1, name: bmc-password, layeringDefinition: {layer: site}, storagePolicy: encrypted}
data: hunter2
`;

const files = [
  { path: 'site-definition.yaml', text: DEFINITION },
  { path: 'networks/common-addresses.yaml', text: ADDRESSES },
  { path: 'baremetal/nodes.yaml', text: NODES },
  { path: 'secrets/passphrases/bmc-password.yaml', text: PASSWORD },
];

const file = (r: ReturnType<typeof newSite>, path: string) => r.files.find((f) => f.path === path)!.text;

describe('newSite', () => {
  it('renames the site where its name stands as a word, and marks addresses, MACs and secrets for a person', () => {
    const r = newSite({ from: 'lab', name: 'edge-07', files });
    expect(r.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    expect(file(r, 'site-definition.yaml')).toContain('name: edge-07');
    const addresses = file(r, 'networks/common-addresses.yaml');
    expect(addresses).toContain("# the lab's addresses"); // comments are kept
    expect(addresses).toContain('site: { name: edge-07, domain: edge-07.example.com }');
    expect(addresses).toContain(`bmc: { host: ${PLACEHOLDER} }`);
    expect(addresses).toContain('labels: [ laboratory ]'); // not a word match
    expect(addresses).toContain('path: . }'); // Deckhand's whole-data path survives (not NaN)
    expect(file(r, 'baremetal/nodes.yaml')).toContain('name: edge-07-node-01');
    expect(file(r, 'secrets/passphrases/bmc-password.yaml')).toContain(`data: ${PLACEHOLDER}`);
    expect(r.placeholders).toBe(5);
  });

  it('--set fills placeholders by path, in one document or in all', () => {
    const r = newSite({
      from: 'lab',
      name: 'edge-07',
      files,
      sets: [parseSet('.bmc.host=10.7.0.5'), parseSet('bmc-password:.=s3cret'), parseSet('.nowhere=1')],
    });
    expect(file(r, 'networks/common-addresses.yaml')).toContain('bmc: { host: 10.7.0.5 }');
    expect(file(r, 'secrets/passphrases/bmc-password.yaml')).toContain('data: s3cret');
    expect(r.unusedSets).toEqual([{ path: '.nowhere', value: '1' }]);
    expect(r.placeholders).toBe(3);
  });

  it('--nodes replaces the node list with one BaremetalNode and BaremetalHost per entry', () => {
    const r = newSite({
      from: 'lab',
      name: 'edge-07',
      files,
      nodes: [
        {
          name: 'edge-07-n1',
          bootMACAddress: 'aa:bb:cc:00:00:01',
          bmcAddress: 'redfish+http://127.0.0.1:8000/redfish/v1/Systems/1',
        },
        { name: 'edge-07-n2' },
      ],
    });
    const problems = new Problems();
    const docs = parseText('nodes.yaml', file(r, 'baremetal/nodes.yaml'), problems);
    expect(problems.items).toEqual([]);
    expect(docs.map((d) => `${d.schema} ${d.metadata.name}`)).toEqual([
      'drydock/BaremetalNode/v1 edge-07-n1',
      'slipway/BaremetalHost/v1 edge-07-n1',
      'drydock/BaremetalNode/v1 edge-07-n2',
      'slipway/BaremetalHost/v1 edge-07-n2',
    ]);
    expect(docs[0]!.data).toEqual({
      metadata: { boot_mac: 'aa:bb:cc:00:00:01' },
      addressing: [{ network: 'oob', address: PLACEHOLDER }],
    });
    expect(docs[1]!.data).toEqual({
      node: 'edge-07-n1',
      bmc: { address: 'redfish+http://127.0.0.1:8000/redfish/v1/Systems/1' },
      bootMACAddress: 'aa:bb:cc:00:00:01',
    });
    expect(docs[3]!.data).toEqual({
      node: 'edge-07-n2',
      bmc: { address: 'fake://edge-07-n2' },
      bootMACAddress: PLACEHOLDER,
    });
  });

  it('rejects a --set without a value', () => {
    expect(() => parseSet('.a.b')).toThrow('--set .a.b: expected [DOCUMENT:]PATH=VALUE');
  });
});

describe('checkPlaceholders', () => {
  it('reports every placeholder left in rendered data with its file:line', () => {
    const problems = new Problems();
    const docs = parseText(
      'a.yaml',
      `schema: a/B/v1\nmetadata: {name: x}\ndata:\n  ok: 1\n  ip: ${PLACEHOLDER}\n  list: [fine, 'x-${PLACEHOLDER}']\n`,
      problems,
    );
    checkPlaceholders(docs, problems);
    expect(problems.items.map(formatProblem)).toEqual([
      `a.yaml:5: UnresolvedPlaceholder: [a/B/v1] x: data.ip still holds ${PLACEHOLDER}`,
      `a.yaml:6: UnresolvedPlaceholder: [a/B/v1] x: data.list[1] still holds ${PLACEHOLDER}`,
    ]);
  });
});

describe('diffSites', () => {
  const site = (name: string, replicas: number, extra = '') => {
    const problems = new Problems();
    const text = `---\nschema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: lp}\ndata: {layerOrder: [site]}\n---\nschema: a/Site/v1\nmetadata: {schema: metadata/Document/v1, name: s, layeringDefinition: {layer: site}, storagePolicy: cleartext}\ndata: {name: ${name}, replicas: ${replicas}}\n${extra}`;
    return render(parseText(`${name}.yaml`, text, problems), problems);
  };
  it('lists documents only in one site and changed paths of the others', () => {
    const extra = `---\nschema: a/Extra/v1\nmetadata: {schema: metadata/Document/v1, name: e, layeringDefinition: {layer: site}, storagePolicy: cleartext}\ndata: {}\n`;
    expect(diffSites(site('a', 1), site('b', 1, extra))).toEqual([
      {
        schema: 'a/Site/v1',
        name: 's',
        kind: 'changed',
        changes: [{ path: '.name', op: 'change', from: 'a', to: 'b' }],
      },
      { schema: 'a/Extra/v1', name: 'e', kind: 'only-b', changes: [] },
    ]);
  });

  it("matches documents whose names carry the site's own name (a-node-1 ~ b-node-1)", () => {
    const named = (site: string) => {
      const problems = new Problems();
      const text = `---\nschema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: lp}\ndata: {layerOrder: [site]}\n---\nschema: a/Node/v1\nmetadata: {schema: metadata/Document/v1, name: ${site}-node-1, layeringDefinition: {layer: site}, storagePolicy: cleartext}\ndata: {mac: ${site === 'a' ? 'm1' : 'm2'}}\n`;
      return render(parseText(`${site}.yaml`, text, problems), problems);
    };
    expect(diffSites(named('a'), named('b'), false, { a: 'a', b: 'b' })).toEqual([
      {
        schema: 'a/Node/v1',
        name: 'a-node-1',
        kind: 'changed',
        changes: [{ path: '.mac', op: 'change', from: 'm1', to: 'm2' }],
      },
    ]);
  });
});
