// Node drift in the Site status and in `Drifted` events: per node step, the fields the diff
// found drifted (maintenance, power state, provision state), and whether they were only found
// (drift detection warn, or drift Slipway never repairs) or repaired. Pure.

import type { NodeDecision, NodeDrift, SiteDiff } from '../../diff/types.js';
import type { SiteStatus } from '../api/types.js';

type WorkflowStatus = NonNullable<SiteStatus['workflow']>;

export function driftText(d: NodeDrift): string {
  return `${d.field}: ${d.found} → ${d.want}`;
}

/** Each node step's `drift` as the diff found it (removed where it found none). */
export function withNodeDrift(wf: WorkflowStatus, diff: Pick<SiteDiff, 'decisions'>): WorkflowStatus {
  let changed = false;
  const phases = wf.phases.map((p) => ({
    ...p,
    steps: p.steps.map((s) => {
      const d = diff.decisions.get(s.id);
      if (d?.kind !== 'node') return s;
      const lines = d.drift?.map(driftText);
      const same = JSON.stringify(lines ?? null) === JSON.stringify(s.drift ?? null);
      if (same) return s;
      changed = true;
      const { drift: _old, ...rest } = s;
      return lines?.length ? { ...rest, drift: lines } : rest;
    }),
  }));
  return changed ? { ...wf, phases } : wf;
}

/** `found`: drift that is reported and left (action none); `repaired`: the drift a finished repair fixed. */
export function nodeDriftEvents(diff: Pick<SiteDiff, 'decisions'>, what: 'found' | 'repaired'): string[] {
  const out: string[] = [];
  for (const d of diff.decisions.values()) {
    if (d.kind !== 'node' || !d.drift?.length) continue;
    const repairing = d.action !== 'none';
    if ((what === 'found') === repairing) continue;
    out.push(
      what === 'found'
        ? `${d.stepId}: drift found, not repaired (${d.state}: ${d.reason}): ${fields(d)}`
        : `${d.stepId}: repaired drift (${d.action}): ${fields(d)}`,
    );
  }
  return out;
}

const fields = (d: NodeDecision) => (d.drift ?? []).map(driftText).join('; ');
