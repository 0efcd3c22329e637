// What executing a workflow reports: one result per step, and events as it goes.

import type { HelmDriver, IronicDriver, NodeCarry } from '../drivers/types.js';

/** `waiting`: only with `nodeWaits: 'return'`: a node step Ironic is still working on (or a step after it). */
export type StepOutcome = 'created' | 'changed' | 'unchanged' | 'failed' | 'skipped' | 'deleted' | 'waiting';

export interface StepResult {
  stepId: string;
  phase: string;
  outcome: StepOutcome;
  /** The driver's own message: helm's error text, Ironic's last_error, or what was done. */
  message: string;
  durationMs: number;
}

export type StepEvent =
  | { type: 'start'; stepId: string; phase: string; action: string }
  | { type: 'progress'; stepId: string; phase: string; message: string; elapsedMs: number }
  /** A node step's pass left Ironic working: it is looked at again after `afterMs` (its queue slot is free meanwhile). */
  | { type: 'requeue'; stepId: string; phase: string; afterMs: number; reason: string; carry: NodeCarry }
  | { type: 'finish'; result: StepResult };

export interface Drivers {
  helm: HelmDriver;
  ironic: IronicDriver;
}

export interface ExecuteOptions {
  /** How many helm operations and Ironic node flows run at once (defaults 4 and 20, like Metal3). */
  concurrency?: { helm?: number; ironic?: number };
  onEvent?: (event: StepEvent) => void;
  /** Remove the diff's prune candidates after the workflow succeeds. */
  prune?: boolean;
  /** Steps already finished in an earlier run (the operator's resume): not run again. */
  completed?: ReadonlySet<string>;
  /**
   * What a node step does when a pass says "requeue after N ms":
   *   wait    (default, the CLI) the executor runs the step's next pass after the delay, its
   *           queue slot free meanwhile, so other steps go on; the run ends when nodes are done
   *   return  (the operator) the step ends `waiting`, with its carry in `waiting`, and so do the
   *           steps after it; the caller requeues the whole run
   */
  nodeWaits?: 'wait' | 'return';
  /** Node steps' carries from an earlier run's `waiting` (the operator's resume of an operation). */
  carries?: ReadonlyMap<string, NodeCarry>;
  /** The delay between passes (tests: a fake clock). Rejects when `signal` is aborted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted: no new pass or step starts; waits end at once. */
  signal?: AbortSignal;
}

export interface WaitingNode {
  stepId: string;
  afterMs: number;
  reason: string;
  carry: NodeCarry;
}

export interface ExecutionResult {
  ok: boolean;
  results: StepResult[];
  durationMs: number;
  /** nodeWaits 'return': the node steps Ironic is still working on (requeue after the smallest afterMs). */
  waiting: WaitingNode[];
}
