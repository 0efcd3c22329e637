// Every node state and the one action for it, per drift detection mode: table rows that each
// modify a base node (helm-controller's state_test.go habit).
import { describe, expect, it } from 'vitest';
import type { NodeSpec, ObservedNode } from '../drivers/types.js';
import { nodeDecision } from './node-state.js';
import type { DriftDetection, NodeAction, NodeState } from './types.js';

const spec: NodeSpec = {
  name: 'n1',
  bmc: { address: 'fake://n1' },
  properties: {},
  inspect: false,
  target: 'active',
  image: { url: 'http://i', checksum: 'c' },
  digest: 'nd',
};
const active: ObservedNode = {
  uuid: 'u1',
  name: 'n1',
  driver: 'fake-hardware',
  provisionState: 'active',
  targetProvisionState: null,
  powerState: 'power on',
  targetPowerState: null,
  maintenance: false,
  maintenanceReason: null,
  lastError: null,
  digest: 'nd',
  deployedDigest: 'nd',
  macs: [],
};

interface Row {
  name: string;
  observed?: Partial<ObservedNode> | null;
  spec?: Partial<NodeSpec>;
  state: NodeState;
  /** The action per mode: [enabled, warn, disabled]. */
  actions: [NodeAction, NodeAction, NodeAction];
  /** The drifted fields reported (enabled and warn). */
  drift?: string[];
}

const MODES: DriftDetection[] = ['enabled', 'warn', 'disabled'];

const rows: Row[] = [
  { name: 'not enrolled', observed: null, state: 'absent', actions: ['enroll', 'enroll', 'enroll'] },
  { name: 'active, on, planned digest', observed: {}, state: 'in-sync', actions: ['none', 'none', 'none'] },
  { name: 'spec changed', observed: { digest: 'old' }, state: 'changed', actions: ['update', 'update', 'update'] },
  {
    name: 'never deployed yet (available, no deployed marker)',
    observed: { provisionState: 'available', deployedDigest: undefined, powerState: 'power off' },
    state: 'incomplete',
    actions: ['provision', 'provision', 'provision'],
  },
  {
    name: 'deploying',
    observed: { provisionState: 'deploying', targetProvisionState: 'active' },
    state: 'incomplete',
    actions: ['provision', 'provision', 'provision'],
  },
  {
    name: 'its own deploy failed (no deployed marker): retried',
    observed: { provisionState: 'deploy failed', lastError: 'boom', deployedDigest: undefined },
    state: 'failed',
    actions: ['provision', 'provision', 'provision'],
  },
  {
    name: 'maintenance set by hand',
    observed: { maintenance: true, maintenanceReason: 'disk swap' },
    state: 'maintenance',
    actions: ['none', 'none', 'none'],
    drift: ['maintenance'],
  },
  {
    name: 'maintenance set by hand, and powered off by hand: the node is theirs, not powered on',
    observed: { maintenance: true, maintenanceReason: 'disk swap', powerState: 'power off' },
    state: 'maintenance',
    actions: ['none', 'none', 'none'],
    drift: ['maintenance'],
  },
  {
    name: 'maintenance Slipway set',
    observed: { maintenance: true, maintenanceReason: 'slipway: x', maintenanceBySlipway: true },
    state: 'slipway-maintenance',
    actions: ['leave-maintenance', 'none', 'none'],
    drift: ['maintenance'],
  },
  {
    name: 'powered off',
    observed: { powerState: 'power off' },
    state: 'powered-off',
    actions: ['power-on', 'none', 'none'],
    drift: ['powerState'],
  },
  {
    name: 'powering on already',
    observed: { powerState: 'power off', targetPowerState: 'power on' },
    state: 'in-sync',
    actions: ['none', 'none', 'none'],
  },
  {
    name: 'an available node (target available) that is off is in sync',
    spec: { target: 'available', image: undefined },
    observed: { provisionState: 'available', powerState: 'power off', deployedDigest: undefined },
    state: 'in-sync',
    actions: ['none', 'none', 'none'],
  },
  ...['available', 'manageable', 'deploy failed', 'error'].map(
    (found): Row => ({
      name: `deployed by Slipway, found ${found}: never redeployed`,
      observed: { provisionState: found, powerState: 'power off' },
      state: 'provision-drift',
      actions: ['none', 'none', 'none'],
      drift: ['provisionState'],
    }),
  ),
  {
    name: 'found available, and a new redeploy value in the documents (a new digest): deployed again',
    spec: { redeploy: '2026-12-01', digest: 'nd2' },
    observed: { provisionState: 'available', powerState: 'power off' },
    state: 'changed',
    actions: ['update', 'update', 'update'],
  },
];

describe('nodeDecision', () => {
  for (const row of rows) {
    for (const [i, mode] of MODES.entries()) {
      it(`${row.name} (${mode})`, () => {
        const observed = row.observed === null ? undefined : { ...active, ...row.observed };
        const d = nodeDecision('node/n1', { ...spec, ...row.spec }, observed, mode);
        const repairable = row.state === 'slipway-maintenance' || row.state === 'powered-off';
        // disabled does not look for maintenance and power drift: the node reads as in sync
        const state = mode === 'disabled' && row.drift && row.state !== 'provision-drift' ? 'in-sync' : row.state;
        expect(d.state).toBe(state);
        expect(d.action).toBe(row.actions[i]);
        if (state === row.state && row.drift) {
          expect(d.drift?.map((f) => f.field)).toEqual(row.drift);
          if (repairable && mode === 'warn') expect(d.reason).toMatch(/drift detection warn: not repaired/);
        } else expect(d.drift).toBeUndefined();
      });
    }
  }

  it('says why a node is in maintenance, and never says it is Slipway’s when the reason changed', () => {
    const d = nodeDecision(
      'node/n1',
      spec,
      { ...active, maintenance: true, maintenanceReason: 'disk swap' },
      'enabled',
    );
    expect(d.reason).toBe('in maintenance set outside Slipway: disk swap: left alone until it is lifted');
    expect(d.drift).toEqual([{ field: 'maintenance', found: 'on: disk swap', want: 'off' }]);
  });

  it('names the way to redeploy in a provision drift', () => {
    const d = nodeDecision('node/n1', spec, { ...active, provisionState: 'available' }, 'enabled');
    expect(d.reason).toMatch(/not redeployed without a document change \(a new redeploy value/);
  });
});
