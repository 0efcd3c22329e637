// kstatus conditions from the outcome of a reconcile. Pure: the same (conditions, outcome)
// always gives the same conditions; lastTransitionTime moves only when a status flips.
//   progressing → Reconciling=True, Ready=Unknown
//   ready       → Ready=True; Reconciling and Stalled removed
//   failed      → Ready=False, Reconciling=True (ProgressingWithRetry): a retry is coming
//   stalled     → Stalled=True, Ready=False; Reconciling removed: the input must change
//   deleting    → Reconciling=True (Deleting), Ready=False

import type { Condition, ConditionStatus } from '../api/types.js';

export type Outcome =
  | { kind: 'progressing'; message: string }
  | { kind: 'ready'; message: string }
  | { kind: 'failed'; reason: string; message: string }
  | { kind: 'stalled'; reason: string; message: string }
  | { kind: 'deleting'; message: string };

export const MAX_MESSAGE = 2_000;

export function nextConditions(
  previous: readonly Condition[] | undefined,
  outcome: Outcome,
  generation: number | undefined,
  now: Date,
): Condition[] {
  const set = (type: string, status: ConditionStatus, reason: string, message: string): Condition => {
    const before = previous?.find((c) => c.type === type);
    const c: Condition = {
      type,
      status,
      reason,
      message: truncate(message),
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now.toISOString(),
    };
    if (generation !== undefined) c.observedGeneration = generation;
    return c;
  };
  switch (outcome.kind) {
    case 'progressing':
      return [
        set('Ready', 'Unknown', 'Progressing', outcome.message),
        set('Reconciling', 'True', 'Progressing', outcome.message),
      ];
    case 'ready':
      return [set('Ready', 'True', 'Succeeded', outcome.message)];
    case 'failed':
      return [
        set('Ready', 'False', outcome.reason, outcome.message),
        set('Reconciling', 'True', 'ProgressingWithRetry', outcome.message),
      ];
    case 'stalled':
      return [
        set('Ready', 'False', outcome.reason, outcome.message),
        set('Stalled', 'True', outcome.reason, outcome.message),
      ];
    case 'deleting':
      return [
        set('Ready', 'False', 'Deleting', outcome.message),
        set('Reconciling', 'True', 'Deleting', outcome.message),
      ];
  }
}

export function condition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function truncate(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s;
}
