import { describe, expect, it } from 'vitest';
import { parseText } from '../documents/parse.js';
import { formatProblem, Problems } from '../problems/index.js';
import { render } from '../render/index.js';
import type { FetchedChart } from '../source/chart-sources.js';
import { chartsToFetch, checkPlan, formatGraph, planWorkflow, redactStep } from './index.js';

const ROOT = '/repo';

function envelope(schema: string, name: string, data: string, extra = ''): string {
  return `---\nschema: ${schema}\nmetadata:\n  schema: metadata/Document/v1\n  name: ${name}\n  storagePolicy: ${extra.includes('encrypted') ? 'encrypted' : 'cleartext'}\n  layeringDefinition: {layer: site}\n${extra.replace('encrypted', '')}data: ${data}\n`;
}

const POLICY =
  '---\nschema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: lp}\ndata: {layerOrder: [site]}\n';

const chart = (name: string, values = '{}', extra = '') =>
  envelope(
    'armada/Chart/v1',
    name,
    `{chart_name: c, release: ${name}, namespace: ns-${name}, source: {type: local, location: charts/${name}, subpath: .}, values: ${values}${extra}}`,
  );

const BASE =
  POLICY +
  envelope('armada/Manifest/v1', 'm', '{release_prefix: site, chart_groups: [infra, apps]}') +
  envelope('armada/ChartGroup/v1', 'infra', '{sequenced: true, chart_group: [a, b]}') +
  envelope('armada/ChartGroup/v1', 'apps', '{chart_group: [c, d]}') +
  chart('a', '{x: 1}') +
  chart('b') +
  chart(
    'c',
    '{}',
    ', wait: {timeout: 42, labels: {app: c}}, test: {enabled: true}, upgrade: {pre: {delete: [{type: job, labels: {app: c}}]}}, protected: {continue_processing: false}',
  ) +
  chart('d') +
  envelope('drydock/BaremetalNode/v1', 'n1', '{host_profile: p}') +
  envelope('deckhand/Passphrase/v1', 'bmc-pw', 'hunter2', 'encrypted') +
  envelope(
    'slipway/BaremetalHost/v1',
    'n1',
    "{node: n1, bmc: {address: 'fake://n1', credentials: {username: admin, password: PW}}, bootMACAddress: '52:54:00:AA:00:01', image: {url: 'http://img/x.qcow2', checksum: abc}, rootDeviceHints: {deviceName: /dev/sda}}",
    '  substitutions:\n    - src: {schema: deckhand/Passphrase/v1, name: bmc-pw, path: .}\n      dest: {path: .bmc.credentials.password}\n',
  );

const fetched = (name: string, digest = `digest-of-${name}`): FetchedChart => ({
  path: `${ROOT}/charts/${name}`,
  digest,
  from: `${ROOT}/charts/${name}`,
});

function plan(text: string, digests?: Map<string, string>) {
  const problems = new Problems();
  const documents = render(parseText('site.yaml', text, problems), problems);
  const charts = digests
    ? new Map([...digests].map(([n, d]) => [n, fetched(n, d)]))
    : new Map(chartsToFetch(documents).map((c) => [c.name, fetched(c.name)]));
  const workflow = planWorkflow({ documents, root: ROOT, charts, site: 'lab' }, problems);
  return { workflow, errors: problems.items.map(formatProblem) };
}

describe('planWorkflow', () => {
  it('orders bare metal, then chart groups in manifest order, with the dependencies the groups ask for', () => {
    const { workflow, errors } = plan(BASE);
    expect(errors).toEqual([]);
    expect(workflow.manifest).toBe('m');
    expect(workflow.phases.map((p) => [p.name, p.sequenced, p.steps.map((s) => [s.id, s.dependsOn])])).toEqual([
      ['baremetal', false, [['node/n1', []]]],
      [
        'infra',
        true,
        [
          ['release/ns-a/site-a', ['node/n1']],
          ['release/ns-b/site-b', ['release/ns-a/site-a']],
        ],
      ],
      [
        'apps',
        false,
        [
          ['release/ns-c/site-c', ['release/ns-b/site-b']],
          ['release/ns-d/site-d', ['release/ns-b/site-b']],
        ],
      ],
    ]);
  });

  it('plans one part of the site with `only`: nodes without the manifest, releases without the nodes', () => {
    const problems = new Problems();
    const documents = render(parseText('site.yaml', BASE, problems), problems);
    const nodes = planWorkflow({ documents, root: ROOT, charts: new Map(), site: 'lab', only: 'nodes' }, problems);
    expect(problems.items.map(formatProblem)).toEqual([]);
    expect([nodes.only, nodes.manifest]).toEqual(['nodes', undefined]);
    expect(nodes.phases.map((p) => [p.name, p.steps.map((s) => [s.id, s.dependsOn])])).toEqual([
      ['baremetal', [['node/n1', []]]],
    ]);
    const charts = new Map(chartsToFetch(documents).map((c) => [c.name, fetched(c.name)]));
    const releases = planWorkflow({ documents, root: ROOT, charts, site: 'lab', only: 'releases' }, problems);
    expect(problems.items.map(formatProblem)).toEqual([]);
    expect([releases.only, releases.manifest]).toEqual(['releases', 'm']);
    expect(releases.phases.map((p) => p.name)).toEqual(['infra', 'apps']);
    expect(releases.phases[0]!.steps[0]!.dependsOn).toEqual([]);
    // A part left out is not read: a broken node document does not stop a releases-only plan.
    const broken = BASE.replace("address: 'fake://n1'", "address: 'fake://n1 ; rm -rf /'");
    const p2 = new Problems();
    const docs2 = render(parseText('site.yaml', broken, p2), p2);
    planWorkflow({ documents: docs2, root: ROOT, charts, only: 'releases' }, p2);
    expect(p2.items.map(formatProblem)).toEqual([]);
    planWorkflow({ documents: docs2, root: ROOT, charts, only: 'nodes' }, p2);
    expect(p2.items.map((p) => p.code)).toContain('InvalidBmcAddress');
  });

  it('turns Armada chart fields into a release spec', () => {
    const c = plan(BASE).workflow.phases[2]!.steps[0]!;
    expect(c.kind).toBe('release');
    if (c.kind !== 'release') return;
    expect({ ...c.spec, digest: '-' }).toEqual({
      name: 'site-c',
      namespace: 'ns-c',
      chartPath: '/repo/charts/c',
      values: {},
      wait: { enabled: true, timeoutSeconds: 42, labels: { app: 'c' } },
      test: { enabled: true, timeoutSeconds: 42 },
      preUpgradeDelete: [{ type: 'job', labels: { app: 'c' } }],
      protected: true,
      timeoutSeconds: 42,
      digest: '-',
    });
    expect(c.origin.at).toMatch(/^site\.yaml:\d+$/);
  });

  it.each([
    ['no test key', '', true, 600],
    ["test.timeout only (treasuremap's neutron)", ', test: {timeout: 500}', true, 500],
    ['test.enabled: false', ', test: {enabled: false}', false, 600],
    ['the older boolean test: false', ', test: false', false, 600],
    ['the older boolean test: true', ', test: true', true, 600],
  ])(
    "runs a chart's helm tests as Armada does, unless its document turns them off: %s",
    (_what, extra, enabled, timeoutSeconds) => {
      const d = plan(
        BASE.replace(
          'source: {type: local, location: charts/d, subpath: .}, values: {}',
          `source: {type: local, location: charts/d, subpath: .}, values: {}${extra}`,
        ),
      ).workflow.phases[2]!.steps[1]!;
      if (d.kind !== 'release') throw new Error('expected a release step');
      expect(d.spec.test).toEqual({ enabled, timeoutSeconds });
    },
  );

  it('turns a BaremetalHost into a node spec with its credentials, and never prints the password', () => {
    const n = plan(BASE).workflow.phases[0]!.steps[0]!;
    if (n.kind !== 'node') throw new Error('expected a node step');
    expect(n.spec).toMatchObject({
      name: 'n1',
      bmc: { address: 'fake://n1', credentials: { username: 'admin', password: 'hunter2' } },
      bootMACAddress: '52:54:00:aa:00:01',
      image: { url: 'http://img/x.qcow2', checksum: 'abc' },
      properties: { root_device: { name: '/dev/sda' } },
      target: 'active',
      inspect: false,
    });
    expect(JSON.stringify(redactStep(n))).not.toContain('hunter2');
    expect(JSON.stringify(redactStep(n, true))).toContain('hunter2');
  });

  it('digests change with values, with chart content and with a password, and only there', () => {
    const before = plan(BASE).workflow;
    const values = plan(BASE.replace('values: {x: 1}', 'values: {x: 2}')).workflow;
    const ids = (w: typeof before) => Object.fromEntries(w.phases.flatMap((p) => p.steps.map((s) => [s.id, s.digest])));
    const changed = (w: typeof before) => Object.keys(ids(before)).filter((k) => ids(before)[k] !== ids(w)[k]);
    expect(changed(values)).toEqual(['release/ns-a/site-a']);
    expect(chartsToFetch([]).length).toBe(0);
    const content = plan(BASE, new Map(['a', 'b', 'c', 'd'].map((n) => [n, n === 'd' ? 'changed' : `digest-of-${n}`])));
    expect(changed(content.workflow)).toEqual(['release/ns-d/site-d']);
    const password = plan(BASE.replace('data: hunter2', 'data: hunter3'));
    expect(changed(password.workflow)).toEqual(['node/n1']);
    expect(before.digest).not.toBe(values.digest);
  });

  it('names what is missing: a chart group, a chart, a chart source, a BaremetalNode', () => {
    const { errors } = plan(
      BASE.replace('chart_groups: [infra, apps]', 'chart_groups: [infra, apps, ghost]')
        .replace('chart_group: [c, d]', 'chart_group: [c, d, nope]')
        .replace('node: n1,', 'node: n9,'),
      new Map([['a', 'x']]),
    );
    expect(errors.map((e) => e.replace(/^site\.yaml:\d+: /, ''))).toEqual([
      "NodeNotFound: slipway/BaremetalHost/v1 n1 extends drydock/BaremetalNode/v1 'n9', which is not among the rendered documents",
      "warning: HostProfileNotFound: drydock/BaremetalNode/v1 n1 uses drydock/HostProfile/v1 'p', which is not among the rendered documents (nothing inherited from it)",
      'warning: NodeNotManaged: drydock/BaremetalNode/v1 n1 is not enrolled: it has no oob block (oob.type) in itself or its host profiles; a slipway/BaremetalHost/v1 can name its BMC',
      'ChartSourceNotFound: chart b: its source was not fetched',
      'ChartSourceNotFound: chart c: its source was not fetched',
      'ChartSourceNotFound: chart d: its source was not fetched',
      "ChartNotFound: chart group apps lists chart 'nope', which is not among the rendered documents",
      "ChartGroupNotFound: manifest m lists chart group 'ghost', which is not among the rendered documents",
    ]);
  });

  it('draws the DAG as Mermaid and DOT', () => {
    const { workflow } = plan(BASE);
    const mermaid = formatGraph(workflow, 'mermaid');
    expect(mermaid).toContain('subgraph infra["infra (sequenced)"]');
    expect(mermaid).toContain('s1 --> s2');
    expect(formatGraph(workflow, 'dot')).toContain('s0 -> s1;');
  });
});

describe('checkPlan (validate)', () => {
  const check = (text: string) => {
    const problems = new Problems();
    const documents = render(parseText('site.yaml', text, problems), problems);
    checkPlan(documents, problems, 'lab');
    return problems.items.map(formatProblem);
  };

  it('plan refuses nothing about the base documents, and checkPlan needs no chart source', () => {
    expect(check(BASE)).toEqual([]);
  });

  it('reports what plan refuses about the documents, with the same codes and lines', () => {
    const bad = BASE.replace('release: a,', 'release: Front_End!,').replace(
      "address: 'fake://n1'",
      "address: 'ipmi://h;x'",
    );
    expect(bad).not.toBe(BASE);
    const checked = check(bad);
    expect(checked.map((e) => e.split(': ')[1]).sort()).toEqual(['InvalidBmcAddress', 'InvalidReleaseName']);
    const planned = plan(bad).errors;
    expect(checked.sort()).toEqual(planned.sort());
  });
});
