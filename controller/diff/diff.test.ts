import { describe, expect, it } from 'vitest';
import { digestLabelValue } from '../drivers/helm/digest-label.js';
import type { NodeSpec, ObservedNode, ObservedRelease, ReleaseSpec } from '../drivers/types.js';
import type { Workflow } from '../plan/types.js';
import { diffWorkflow, nodeState, releaseState, valuesDiff } from './index.js';

const NOW = new Date('2026-11-22T12:00:00Z');

const spec: ReleaseSpec = {
  name: 'site-a',
  namespace: 'ns',
  chartPath: '/c',
  values: {},
  wait: { enabled: true, timeoutSeconds: 300 },
  test: { enabled: false, timeoutSeconds: 300 },
  preUpgradeDelete: [],
  protected: false,
  timeoutSeconds: 300,
  digest: 'd'.repeat(64),
};

const deployed: ObservedRelease = {
  name: 'site-a',
  namespace: 'ns',
  revision: 3,
  status: 'deployed',
  digest: digestLabelValue(spec.digest),
  updatedAt: '2026-11-22T11:00:00Z',
  lastDeployedRevision: 3,
};

describe('releaseState', () => {
  // Each row modifies the base observation (and spec) and names the state it must give.
  const rows: {
    name: string;
    observed?: Partial<ObservedRelease> | null;
    spec?: Partial<ReleaseSpec>;
    state: string;
  }[] = [
    { name: 'not installed', observed: null, state: 'absent' },
    { name: 'deployed with the planned digest', observed: {}, state: 'in-sync' },
    { name: 'deployed with another digest', observed: { digest: 'other' }, state: 'changed' },
    { name: 'deployed without a digest (not ours yet)', observed: { digest: undefined }, state: 'changed' },
    { name: 'failed upgrade', observed: { status: 'failed', revision: 4 }, state: 'failed' },
    {
      name: 'failed first install, protected',
      observed: { status: 'failed', lastDeployedRevision: undefined },
      spec: { protected: true },
      state: 'protected-failed',
    },
    {
      name: 'pending-upgrade for a minute',
      observed: { status: 'pending-upgrade', updatedAt: '2026-11-22T11:59:00Z' },
      state: 'locked',
    },
    {
      name: 'pending-upgrade past its timeout',
      observed: { status: 'pending-upgrade', updatedAt: '2026-11-22T11:50:00Z' },
      state: 'stuck',
    },
    {
      name: 'pending-install past its timeout',
      observed: { status: 'pending-install', updatedAt: '2026-11-22T10:00:00Z', lastDeployedRevision: undefined },
      state: 'stuck',
    },
    {
      name: 'uninstalling for a minute',
      observed: { status: 'uninstalling', updatedAt: '2026-11-22T11:59:00Z' },
      state: 'locked',
    },
    { name: 'uninstalling past its timeout', observed: { status: 'uninstalling' }, state: 'stuck' },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const observed = row.observed === null ? undefined : { ...deployed, ...row.observed };
      expect(releaseState({ ...spec, ...row.spec }, observed, NOW).state).toBe(row.state);
    });
  }
});

const node: NodeSpec = {
  name: 'n1',
  bmc: { address: 'fake://n1' },
  properties: {},
  inspect: false,
  target: 'available',
  digest: 'nd',
};
const seen: ObservedNode = {
  uuid: 'u1',
  name: 'n1',
  driver: 'fake-hardware',
  provisionState: 'available',
  targetProvisionState: null,
  powerState: 'power off',
  maintenance: false,
  lastError: null,
  digest: 'nd',
  macs: [],
};

describe('nodeState', () => {
  const rows: { name: string; observed?: Partial<ObservedNode> | null; spec?: Partial<NodeSpec>; state: string }[] = [
    { name: 'not enrolled', observed: null, state: 'absent' },
    { name: 'available with the planned digest', observed: {}, state: 'in-sync' },
    { name: 'spec changed', observed: { digest: 'old' }, state: 'changed' },
    { name: 'still manageable', observed: { provisionState: 'manageable' }, state: 'incomplete' },
    { name: 'available but the plan wants active', spec: { target: 'active' }, state: 'incomplete' },
    { name: 'on its way somewhere', observed: { targetProvisionState: 'active' }, state: 'incomplete' },
    { name: 'deploy failed', observed: { provisionState: 'deploy failed', lastError: 'boom' }, state: 'failed' },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const observed = row.observed === null ? undefined : { ...seen, ...row.observed };
      expect(nodeState({ ...node, ...row.spec }, observed).state).toBe(row.state);
    });
  }
});

describe('diffWorkflow', () => {
  const origin = { schema: 's', name: 'n', at: 'f:1' };
  const workflow: Workflow = {
    digest: 'w',
    releasePrefix: 'site',
    phases: [
      {
        name: 'baremetal',
        kind: 'baremetal',
        sequenced: false,
        steps: [
          {
            kind: 'node',
            id: 'node/n1',
            phase: 'baremetal',
            dependsOn: [],
            digest: 'nd',
            origin,
            secretPaths: [],
            spec: node,
          },
        ],
      },
      {
        name: 'g',
        kind: 'chart-group',
        sequenced: false,
        steps: [
          {
            kind: 'release',
            id: 'release/ns/site-a',
            phase: 'g',
            dependsOn: ['node/n1'],
            digest: spec.digest,
            origin,
            secretPaths: [],
            spec,
          },
        ],
      },
    ],
  };

  it('decides one action per step and counts the changes', () => {
    const d = diffWorkflow(workflow, { releases: [deployed], nodes: [] }, NOW);
    expect([...d.decisions.values()].map((x) => [x.stepId, x.state, x.action])).toEqual([
      ['node/n1', 'absent', 'enroll'],
      ['release/ns/site-a', 'in-sync', 'none'],
    ]);
    expect(d.changes).toBe(1);
  });

  it('a failed first install is reinstalled; a failed upgrade is rolled back first (unlock), then upgraded', () => {
    const first = diffWorkflow(
      workflow,
      { releases: [{ ...deployed, status: 'failed', lastDeployedRevision: undefined }], nodes: [seen] },
      NOW,
    );
    expect(first.decisions.get('release/ns/site-a')!.action).toBe('reinstall');
    const later = diffWorkflow(
      workflow,
      { releases: [{ ...deployed, status: 'failed', revision: 4 }], nodes: [seen] },
      NOW,
    );
    expect(later.decisions.get('release/ns/site-a')).toMatchObject({ action: 'unlock', rollbackTo: 3 });
  });

  it("offers Slipway's releases and this site's nodes that left the site for pruning, and nothing else", () => {
    const d = diffWorkflow(
      { ...workflow, site: 'lab' },
      {
        releases: [
          deployed,
          { ...deployed, name: 'site-old' },
          { ...deployed, name: 'site-manual', digest: undefined },
          { ...deployed, name: 'other-x' },
        ],
        nodes: [
          seen,
          { ...seen, name: 'n-old', site: 'lab' },
          { ...seen, name: 'n-manual', digest: undefined },
          { ...seen, name: 'n-other-site', site: 'edge-01' },
        ],
      },
      NOW,
    );
    expect(d.prune).toEqual([
      { kind: 'release', name: 'site-old', namespace: 'ns' },
      { kind: 'node', name: 'n-old' },
    ]);
  });

  it('offers no node for pruning when the workflow has no site name', () => {
    const d = diffWorkflow(workflow, { releases: [], nodes: [{ ...seen, name: 'n-old', site: 'lab' }] }, NOW);
    expect(d.prune).toEqual([]);
  });
});

describe('valuesDiff', () => {
  it('lists added, removed and changed fields with their paths', () => {
    expect(valuesDiff({ a: 1, b: { c: 2, d: [1] }, gone: true }, { a: 1, b: { c: 3, d: [1, 2] }, new: 'x' })).toEqual([
      { path: '.b.c', op: 'change', from: 2, to: 3 },
      { path: '.b.d', op: 'change', from: [1], to: [1, 2] },
      { path: '.gone', op: 'remove', from: true },
      { path: '.new', op: 'add', to: 'x' },
    ]);
  });
});
