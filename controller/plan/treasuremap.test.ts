// Airship's reference site repository (treasuremap v1.9, ../shared/airship) planned as its
// documents say: nodes from the Drydock documents, the manifest shipyard's
// DeploymentConfiguration names. Plans are built from the rendered documents with the plan
// stage's own entry function; chart sources stand in as fetched (their fetching is tested
// in source/), so the figures are the documents' own.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem, Problems } from '../problems/index.js';
import { render } from '../render/index.js';
import { resolveChartLocation } from '../source/chart-location.js';
import { loadSource } from '../source/index.js';
import { checkEnvelopes } from '../validate/index.js';
import { chartsToFetch, planWorkflow, redactStep } from './index.js';

const TREASUREMAP = fileURLToPath(new URL('../../../shared/airship/treasuremap-v1.9', import.meta.url));

async function planSite(site: string) {
  const problems = new Problems();
  const source = await loadSource([TREASUREMAP], { site }, problems);
  const documents = render(checkEnvelopes(source.documents, problems), problems);
  const requests = chartsToFetch(documents, problems);
  const charts = new Map(
    requests.map((r) => [r.name, { path: `/cache/${r.name}`, digest: `d-${r.name}`, from: String(r.source.location) }]),
  );
  const workflow = planWorkflow({ documents, root: TREASUREMAP, charts, site }, problems);
  const nodes = workflow.phases.filter((p) => p.kind === 'baremetal').flatMap((p) => p.steps);
  const groups = workflow.phases.filter((p) => p.kind === 'chart-group');
  return {
    workflow,
    requests,
    nodes,
    groups,
    releases: groups.flatMap((g) => g.steps),
    errors: problems.errors.map(formatProblem),
  };
}

describe('treasuremap v1.9 plans', () => {
  it('seaworthy: 5 Drydock nodes over IPMI, the full-site manifest: 40 groups, 6 sequenced, 68 charts, prefix airship', async () => {
    const { workflow, nodes, groups, releases, errors, requests } = await planSite('seaworthy');
    expect(errors).toEqual([]);
    expect(nodes.map((n) => n.id)).toEqual([
      'node/cab23-r720-12',
      'node/cab23-r720-13',
      'node/cab23-r720-14',
      'node/cab23-r720-16',
      'node/cab23-r720-17',
    ]);
    expect(nodes.map((n) => (n.kind === 'node' ? n.spec.bmc.address : ''))).toEqual([
      'ipmi://10.23.104.12',
      'ipmi://10.23.104.13',
      'ipmi://10.23.104.14',
      'ipmi://10.23.104.16',
      'ipmi://10.23.104.17',
    ]);
    const first = nodes[0]!;
    if (first.kind !== 'node') throw new Error('expected a node step');
    expect(first.spec.bmc.credentials?.username).toBe('root');
    expect(first.spec.bmc.credentials?.password).toBe('password123');
    expect(JSON.stringify(redactStep(first))).not.toContain('password123');
    expect(workflow.manifest).toBe('full-site');
    expect(workflow.releasePrefix).toBe('airship');
    expect(groups.length).toBe(40);
    expect(groups.filter((g) => g.sequenced).length).toBe(6);
    expect(releases.length).toBe(68);
    expect(releases.every((s) => s.kind === 'release' && s.spec.name.startsWith('airship-'))).toBe(true);
    // every chart the manifest uses, and each dependency, resolves to a source Slipway can fetch
    const types = requests.map((r) => resolveChartLocation(r.source, TREASUREMAP, []));
    expect(types.filter((t) => 'error' in t)).toEqual([]);
    expect(new Set(types.map((t) => ('location' in t ? t.location.type : '-')))).toEqual(new Set(['git', 'tar']));
  });

  it('airsloop: 1 node, the same 40 groups and 68 charts', async () => {
    const { workflow, nodes, groups, releases, errors } = await planSite('airsloop');
    expect(errors).toEqual([]);
    expect(nodes.map((n) => (n.kind === 'node' ? [n.spec.name, n.spec.bmc.address] : []))).toEqual([
      ['airsloop-compute-1', 'ipmi://10.22.104.22'],
    ]);
    expect(workflow.manifest).toBe('full-site');
    expect(groups.length).toBe(40);
    expect(groups.filter((g) => g.sequenced).length).toBe(6);
    expect(releases.length).toBe(68);
  });

  it('airskiff: no node, 8 groups, 11 charts', async () => {
    const { workflow, nodes, groups, releases, errors } = await planSite('airskiff');
    expect(errors).toEqual([]);
    expect(nodes.length).toBe(0);
    expect(workflow.manifest).toBe('full-site');
    expect(workflow.releasePrefix).toBe('airship');
    expect(groups.length).toBe(8);
    expect(releases.length).toBe(11);
  });
});
