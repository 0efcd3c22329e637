// Live progress of an apply: a line per step event for pipes, the same plus a status line
// for a terminal, or one JSON object per event (-o json). Then a summary table.

import type { ExecutionResult, StepEvent, StepOutcome } from '../execute/types.js';

export type ProgressMode = 'tty' | 'plain' | 'json';

export function createProgress(
  mode: ProgressMode,
  write: (s: string) => void,
  clock: () => number = () => performance.now(),
) {
  const t0 = clock();
  const running = new Map<string, string>();
  const stamp = () => `[${((clock() - t0) / 1000).toFixed(1).padStart(6)}s]`;
  const clearStatus = () => mode === 'tty' && write('\r\x1b[K');
  const status = () => {
    if (mode !== 'tty' || running.size === 0) return;
    const names = [...running.keys()];
    write(`running ${names.length}: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}`);
  };
  const waits = new Map<string, string>();
  return (event: StepEvent): void => {
    if (event.type === 'requeue') {
      // A node Ironic is still working on: said once per new reason, not at every look.
      if (waits.get(event.stepId) === event.reason) return;
      waits.set(event.stepId, event.reason);
      if (mode === 'json') {
        const { carry: _carry, ...shown } = event;
        write(`${JSON.stringify({ time: new Date().toISOString(), ...shown })}\n`);
        return;
      }
      clearStatus();
      write(`${stamp()} ${event.stepId.padEnd(44)}   waiting: ${event.reason}\n`);
      status();
      return;
    }
    if (mode === 'json') {
      write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
      return;
    }
    clearStatus();
    if (event.type === 'start') {
      running.set(event.stepId, event.action);
      write(`${stamp()} ${event.stepId.padEnd(44)} ${event.action}\n`);
    } else if (event.type === 'progress') {
      write(`${stamp()} ${event.stepId.padEnd(44)}   ${event.message}\n`);
    } else {
      const r = event.result;
      running.delete(r.stepId);
      if (r.outcome !== 'unchanged' || mode === 'plain') {
        write(
          `${stamp()} ${r.stepId.padEnd(44)} ${r.outcome} (${(r.durationMs / 1000).toFixed(1)}s)${r.outcome === 'failed' || r.outcome === 'skipped' ? `: ${r.message}` : ''}\n`,
        );
      }
    }
    status();
  };
}

const ORDER: StepOutcome[] = ['created', 'changed', 'deleted', 'unchanged', 'failed', 'skipped'];

export function formatSummary(result: ExecutionResult): string {
  const counts = Object.fromEntries(ORDER.map((o) => [o, result.results.filter((r) => r.outcome === o).length]));
  const lines = ['', 'SUMMARY', `${'outcome'.padEnd(10)} count`];
  for (const o of ORDER) lines.push(`${o.padEnd(10)} ${counts[o]}`);
  const notable = result.results.filter((r) => r.outcome === 'failed');
  for (const r of notable) lines.push(`failed: ${r.stepId}: ${r.message}`);
  lines.push(`${result.ok ? 'done' : 'FAILED'} in ${(result.durationMs / 1000).toFixed(1)}s`, '');
  return lines.join('\n');
}
