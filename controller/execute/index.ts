// execute: run the steps that have work to do, in dependency order, through p-queue with a
// concurrency limit per driver. A step whose dependency failed is skipped, so a failing chart
// stops its group and every later group, and earlier groups are never touched again.
// A node step runs one pass at a time (execute/node-step.ts): between passes it holds no
// queue slot; the executor either waits and runs the next pass (nodeWaits 'wait', the CLI) or
// ends the step `waiting` and hands its carry back (nodeWaits 'return', the operator).

import PQueue from 'p-queue';
import type { Decision, NodeDecision, SiteDiff } from '../diff/types.js';
import type { NodeStep, Step, Workflow } from '../plan/types.js';
import { type NodeOutcome, runNode } from './node-step.js';
import { runRelease } from './release-step.js';
import type { Drivers, ExecuteOptions, ExecutionResult, StepOutcome, StepResult, WaitingNode } from './types.js';

/** setTimeout, ended early (rejected) when the signal is aborted. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

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
  const waiting: WaitingNode[] = [];
  const sleep = options.sleep ?? abortableDelay;
  const signal = options.signal;

  const run = (step: Step): Promise<StepResult> => {
    let p = results.get(step.id);
    if (p) return p;
    p = (async () => {
      const deps = await Promise.all(step.dependsOn.map((id) => run(steps.find((s) => s.id === id)!)));
      const blocked = deps.find((d) => d.outcome === 'failed' || d.outcome === 'skipped');
      if (blocked) return finish(step, 'skipped', `${blocked.stepId} did not succeed`, 0);
      const held = deps.find((d) => d.outcome === 'waiting');
      if (held) return finish(step, 'waiting', `waits for ${held.stepId}`, 0);
      if (options.completed?.has(step.id)) return finish(step, 'unchanged', 'finished in an earlier run', 0);
      const decision = diff.decisions.get(step.id)!;
      if (step.kind === 'node' && decision.kind === 'node') return runNodeStep(step, decision);
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

  /** Pass after pass: each in a queue slot, the waits between them outside it. */
  const runNodeStep = async (step: NodeStep, decision: NodeDecision): Promise<StepResult> => {
    const t0 = performance.now();
    let carry = options.carries?.get(step.id);
    if (decision.action !== 'none' && !carry)
      emit({ type: 'start', stepId: step.id, phase: step.phase, action: decision.action });
    const progress = (message: string) =>
      emit({ type: 'progress', stepId: step.id, phase: step.phase, message, elapsedMs: performance.now() - t0 });
    for (;;) {
      if (signal?.aborted) return finish(step, 'failed', `cancelled: ${reasonText(signal)}`, performance.now() - t0);
      let r: NodeOutcome;
      try {
        const c = carry;
        r = await queues.node.add(() => runNode(step.spec, decision, drivers.ironic, progress, c), {
          throwOnTimeout: true,
        });
      } catch (e) {
        return finish(step, 'failed', e instanceof Error ? e.message : String(e), performance.now() - t0);
      }
      if (r.kind === 'done') return finish(step, r.outcome, r.message, performance.now() - t0);
      carry = r.carry;
      emit({ type: 'requeue', stepId: step.id, phase: step.phase, afterMs: r.afterMs, reason: r.reason, carry });
      if (options.nodeWaits === 'return') {
        waiting.push({ stepId: step.id, afterMs: r.afterMs, reason: r.reason, carry });
        return finish(step, 'waiting', r.reason, performance.now() - t0);
      }
      try {
        await sleep(r.afterMs, signal);
      } catch {
        return finish(step, 'failed', `cancelled: ${reasonText(signal)}`, performance.now() - t0);
      }
    }
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
          : { outcome: 'failed' as const, message: `no decision for ${step.id}` };
      return finish(step, r.outcome, r.message, performance.now() - t0);
    } catch (e) {
      return finish(step, 'failed', e instanceof Error ? e.message : String(e), performance.now() - t0);
    }
  };

  const stepResults = await Promise.all(steps.map(run));
  const ok = stepResults.every((r) => r.outcome !== 'failed' && r.outcome !== 'skipped');
  if (ok && waiting.length === 0 && options.prune) stepResults.push(...(await prune(diff, drivers, emit)));
  return {
    ok: stepResults.every((r) => r.outcome !== 'failed' && r.outcome !== 'skipped'),
    results: stepResults,
    durationMs: performance.now() - started,
    waiting,
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

function reasonText(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r.message : String(r ?? 'aborted');
}
