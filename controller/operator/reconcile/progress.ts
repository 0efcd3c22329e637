// The workflow's progress as recorded in status: one entry per planned step with its state,
// the digest it succeeded with, and when it started and finished. Pure functions over it:
// the starting record of a run, the record after a step event, the steps a resumed run
// must not repeat, and the ready/total counts.

import type { NodeCarry } from '../../drivers/types.js';
import type { StepEvent, StepOutcome } from '../../execute/types.js';
import type { Workflow } from '../../plan/types.js';
import { statusSummary } from '../api/status-summary.js';
import type { NodeOperationStatus, PhaseStatus, SiteStatus, StepState, StepStatus } from '../api/types.js';

export type WorkflowStatus = NonNullable<SiteStatus['workflow']>;

const DONE: ReadonlySet<StepState> = new Set(['Succeeded', 'Unchanged']);

/**
 * Steps an earlier, unfinished run of the same workflow already finished: recorded with the
 * digest the plan has now and state Succeeded/Unchanged. After a run that finished with
 * every step done, nothing is "completed": the next run goes by the observed state, so
 * drift (a release removed by hand) is repaired.
 */
export function completedSteps(status: SiteStatus | undefined, workflow: Workflow): Set<string> {
  const recorded = status?.workflow;
  if (!recorded) return new Set();
  const steps = new Map(recorded.phases.flatMap((p) => p.steps).map((s) => [s.id, s]));
  const planned = workflow.phases.flatMap((p) => p.steps);
  const finished =
    planned.length > 0 &&
    recorded.digest === workflow.digest &&
    planned.every((s) => DONE.has(steps.get(s.id)?.state ?? 'Pending'));
  if (finished) return new Set();
  return new Set(
    planned
      .filter((s) => {
        const r = steps.get(s.id);
        return r && DONE.has(r.state) && r.digest === s.digest;
      })
      .map((s) => s.id),
  );
}

/**
 * The record a run starts from: completed steps keep theirs, and so do node operations still
 * running in Ironic (`resumed`); every other step is Pending.
 */
export function startWorkflowStatus(
  workflow: Workflow,
  revision: string,
  previous: WorkflowStatus | undefined,
  completed: ReadonlySet<string>,
  resumed: ReadonlySet<string> = new Set(),
): WorkflowStatus {
  const old = new Map(previous?.phases.flatMap((p) => p.steps).map((s) => [s.id, s]) ?? []);
  const phases: PhaseStatus[] = workflow.phases.map((p) => ({
    name: p.name,
    steps: p.steps.map(
      (s): StepStatus =>
        (completed.has(s.id) || resumed.has(s.id)) && old.get(s.id)
          ? { ...old.get(s.id)! }
          : { id: s.id, state: 'Pending' },
    ),
  }));
  return { revision, digest: workflow.digest, phases };
}

const STATE: Record<StepOutcome, StepState> = {
  created: 'Succeeded',
  changed: 'Succeeded',
  deleted: 'Succeeded',
  unchanged: 'Unchanged',
  failed: 'Failed',
  skipped: 'Skipped',
  waiting: 'Running',
};

export function stepState(outcome: StepOutcome): StepState {
  return STATE[outcome];
}

/** A node operation's carry as status holds it (the start as a timestamp). */
export function toOperation(c: NodeCarry): NodeOperationStatus {
  return { ...c, issued: [...c.issued], startedAt: new Date(c.startedAt).toISOString() };
}

/** The carries of node operations still running (state Running with an operation), for the executor. */
export function runningOperations(status: WorkflowStatus | undefined, workflow: Workflow): Map<string, NodeCarry> {
  const out = new Map<string, NodeCarry>();
  if (!status || status.digest !== workflow.digest) return out;
  for (const s of status.phases.flatMap((p) => p.steps)) {
    const o = s.operation;
    if (s.state !== 'Running' || !o) continue;
    const startedAt = Date.parse(o.startedAt);
    if (Number.isNaN(startedAt)) continue;
    out.set(s.id, { ...o, issued: [...o.issued], startedAt });
  }
  return out;
}

/**
 * The record after one executor event. `digests` are the planned step digests; `completed`
 * steps keep their record (the executor reports them unchanged without running them).
 * Progress events change nothing (they would only churn status).
 */
export function applyStepEvent(
  status: WorkflowStatus,
  event: StepEvent,
  at: Date,
  digests: ReadonlyMap<string, string>,
  completed: ReadonlySet<string>,
  redact: (s: string) => string,
): WorkflowStatus {
  if (event.type === 'progress') return status;
  const id = event.type === 'finish' ? event.result.stepId : event.stepId;
  if (completed.has(id)) return status;
  let found = false;
  const phases = status.phases.map((p) => {
    const i = p.steps.findIndex((s) => s.id === id);
    if (i < 0) return p;
    found = true;
    const steps = [...p.steps];
    const before = steps[i]!;
    if (event.type === 'start') {
      steps[i] = { id, state: 'Running', startedAt: at.toISOString(), message: event.action };
    } else if (event.type === 'requeue') {
      // The node operation goes on in Ironic: what the next reconcile's pass needs, recorded.
      steps[i] = {
        ...before,
        state: 'Running',
        message: redact(event.reason).slice(0, 1_000),
        operation: toOperation(event.carry),
      };
    } else if (event.result.outcome === 'waiting') {
      const s: StepStatus = { ...before, state: before.state === 'Running' ? 'Running' : 'Pending' };
      if (event.result.message) s.message = redact(event.result.message).slice(0, 1_000);
      steps[i] = s;
    } else {
      const state = stepState(event.result.outcome);
      const s: StepStatus = {
        id,
        state,
        startedAt: before.startedAt ?? at.toISOString(),
        finishedAt: at.toISOString(),
      };
      const digest = digests.get(id);
      if (DONE.has(state) && digest) s.digest = digest;
      if (event.result.message) s.message = redact(event.result.message).slice(0, 1_000);
      steps[i] = s;
    }
    return { ...p, steps };
  });
  if (found || event.type !== 'finish') return found ? { ...status, phases } : status;
  // A prune step (not planned): recorded in its own phase.
  const pruneStep: StepStatus = {
    id,
    state: stepState(event.result.outcome),
    finishedAt: at.toISOString(),
    message: redact(event.result.message).slice(0, 1_000),
  };
  const prune = phases.find((p) => p.name === 'prune');
  return {
    ...status,
    phases: prune
      ? phases.map((p) => (p === prune ? { ...p, steps: [...p.steps, pruneStep] } : p))
      : [...phases, { name: 'prune', steps: [pruneStep] }],
  };
}

/** Ready/total nodes and releases (and their "ready/total" summary), from the record of the planned steps. */
export function readyCounts(
  status: WorkflowStatus,
  workflow: Workflow,
): Pick<SiteStatus, 'nodes' | 'releases' | 'summary'> {
  const states = new Map(status.phases.flatMap((p) => p.steps).map((s) => [s.id, s.state]));
  const count = (kind: 'node' | 'release') => {
    const steps = workflow.phases.flatMap((p) => p.steps).filter((s) => s.kind === kind);
    return { ready: steps.filter((s) => DONE.has(states.get(s.id) ?? 'Pending')).length, total: steps.length };
  };
  const counts = { nodes: count('node'), releases: count('release') };
  return { ...counts, summary: statusSummary(counts) };
}

/** The first failed step's message, for the Ready condition. */
export function firstFailure(status: WorkflowStatus): string | undefined {
  const failed = status.phases.flatMap((p) => p.steps).filter((s) => s.state === 'Failed');
  if (failed.length === 0) return undefined;
  const first = failed[0]!;
  return `${failed.length} step(s) failed; ${first.id}: ${first.message ?? 'failed'}`;
}
