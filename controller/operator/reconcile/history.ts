// The last applies, newest first, at most five.

import type { HistoryEntry } from '../api/types.js';

export const HISTORY_LENGTH = 5;

export function pushHistory(
  history: readonly HistoryEntry[] | undefined,
  entry: HistoryEntry,
  keep = HISTORY_LENGTH,
): HistoryEntry[] {
  return [entry, ...(history ?? [])].slice(0, keep);
}

export function historyEntry(
  revision: string,
  digest: string,
  started: Date,
  finished: Date,
  ok: boolean,
): HistoryEntry {
  return {
    revision,
    digest,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
    result: ok ? 'Succeeded' : 'Failed',
  };
}
