// execute: run the steps that have work to do, in dependency order, through p-queue with a
// concurrency limit per driver. A step whose dependency failed is skipped, so a failing chart
// stops its group and every later group, and earlier groups are never touched again.

import PQueue from 'p-queue';
import type { Decision, SiteDiff } from '../diff/types.js';
import type { Step, Workflow } from '../plan/types.js';
import { runNode } from './node-step.js';
import { runRelease } from './release-step.js';
import type { Drivers, ExecuteOptions, ExecutionResult, StepOutcome, StepResult } from './types.js';

export type * from './types.js';

export async function executeWorkflow(
  workflow: Workflow,
  diff: SiteDiff,
  drivers: Drivers,
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const queues = {
    release: new PQueue({ concurrency: options.concurrency?.helm ?? 4 }),
    node: new PQueue({ concurrency: options.concurrency?.ironic ?? 20 }),
  };
  const steps = workflow.phases.flatMap((p) => p.steps);
  const results = new Map<string, Promise<StepResult>>();

  const run = (step: Step): Promise<StepResult> => {
    let p = results.get(step.id);
    if (p) return p;
    p = (async () => {
      const deps = await Promise.all(step.dependsOn.map((id) => run(steps.find((s) => s.id === id)!)));
      const blocked = deps.find((d) => d.outcome === 'failed' || d.outcome === 'skipped');
      if (blocked) return finish(step, 'skipped', `${blocked.stepId} did not succeed`, 0);
      if (options.completed?.has(step.id)) return finish(step, 'unchanged', 'finished in an earlier run', 0);
      const decision = diff.decisions.get(step.id)!;
      return queues[step.kind].add(() => runStep(step, decision), { throwOnTimeout: true });
    })();
    results.set(step.id, p);
    return p;
  };

  const finish = (step: Step, outcome: StepOutcome, message: string, durationMs: number): StepResult => {
    const result = { stepId: step.id, phase: step.phase, outcome, message, durationMs };
    emit({ type: 'finish', result });
    return result;
  };

  const runStep = async (step: Step, decision: Decision): Promise<StepResult> => {
    const t0 = performance.now();
    if (decision.action !== 'none')
      emit({ type: 'start', stepId: step.id, phase: step.phase, action: decision.action });
    const progress = (message: string) =>
      emit({ type: 'progress', stepId: step.id, phase: step.phase, message, elapsedMs: performance.now() - t0 });
    try {
      const r =
        step.kind === 'release' && decision.kind === 'release'
          ? await runRelease(step.spec, decision, drivers.helm, progress)
          : step.kind === 'node' && decision.kind === 'node'
            ? await runNode(step.spec, decision, drivers.ironic, progress)
            : { outcome: 'failed' as const, message: `no decision for ${step.id}` };
      return finish(step, r.outcome, r.message, performance.now() - t0);
    } catch (e) {
      return finish(step, 'failed', e instanceof Error ? e.message : String(e), performance.now() - t0);
    }
  };

  const stepResults = await Promise.all(steps.map(run));
  const ok = stepResults.every((r) => r.outcome !== 'failed' && r.outcome !== 'skipped');
  if (ok && options.prune) stepResults.push(...(await prune(diff, drivers, emit)));
  return {
    ok: stepResults.every((r) => r.outcome !== 'failed' && r.outcome !== 'skipped'),
    results: stepResults,
    durationMs: performance.now() - started,
  };
}

async function prune(
  diff: SiteDiff,
  drivers: Drivers,
  emit: NonNullable<ExecuteOptions['onEvent']>,
): Promise<StepResult[]> {
  return Promise.all(
    diff.prune.map(async (item) => {
      const t0 = performance.now();
      const stepId =
        item.kind === 'release' ? `prune/release/${item.namespace}/${item.name}` : `prune/node/${item.name}`;
      emit({ type: 'start', stepId, phase: 'prune', action: 'delete' });
      let outcome: StepOutcome = 'deleted';
      let message = 'removed';
      if (item.kind === 'release') {
        const r = await drivers.helm.uninstall(item.name, item.namespace, 600);
        if (!r.ok)
          [outcome, message] = ['failed', `helm uninstall ${item.namespace}/${item.name} failed: ${r.message}`];
      } else {
        const r = await drivers.ironic.remove(item.name);
        if (r.kind !== 'complete') [outcome, message] = ['failed', `node ${item.name}: ${r.message}`];
      }
      const result: StepResult = { stepId, phase: 'prune', outcome, message, durationMs: performance.now() - t0 };
      emit({ type: 'finish', result });
      return result;
    }),
  );
}
