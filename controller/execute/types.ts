// What executing a workflow reports: one result per step, and events as it goes.

import type { HelmDriver, IronicDriver } from '../drivers/types.js';

export type StepOutcome = 'created' | 'changed' | 'unchanged' | 'failed' | 'skipped' | 'deleted';

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
}

export interface ExecutionResult {
  ok: boolean;
  results: StepResult[];
  durationMs: number;
}
