// The benchmark's output: one plain line per figure, `key=value` pairs, and a verdict per
// target (OK or MISSED). Nothing here decides the exit code: a missed target is reported.

import { loadavg } from 'node:os';
import type { CliRun } from './cli-run.js';
import type { RenderRun } from './render-run.js';

export const TARGETS = {
  /** 50,000 documents (N=100) rendered in under 5 s ... */
  wallMs: 5_000,
  /** ... in under 1 GiB ... */
  rssMiB: 1_024,
  /** ... and 10x the documents in at most 11x the time. */
  scaling: 11,
  /** One site of ~420 documents through the whole `slipway render` process. */
  cliMs: 400,
  /** CPU seconds of `slipway render` for treasuremap seaworthy: Deckhand's 5.4 s / 20. */
  treasuremapCpuS: 0.27,
} as const;

const MIB = 1024 * 1024;

export function verdict(ok: boolean, why?: string): string {
  return ok ? 'OK' : why ? `MISSED (${why})` : 'MISSED';
}

/** One line for the (median) run of N sites; `all` are every repeat, for the spread and the RSS peak. */
export function renderLine(n: number, run: RenderRun, all: RenderRun[] = [run]): string {
  const docsPerS = run.documents / (run.wallMs / 1000);
  const walls = all.map((r) => r.wallMs);
  return [
    `render N=${n}`,
    `runs=${all.length}`,
    `sites=${run.sites}`,
    `docs=${run.documents}`,
    `rendered=${run.rendered}`,
    `wall_ms=${fmt(run.wallMs)}`,
    `wall_ms_min=${fmt(Math.min(...walls))}`,
    `wall_ms_max=${fmt(Math.max(...walls))}`,
    `load_ms=${fmt(run.loadMs)}`,
    `render_ms=${fmt(run.renderMs)}`,
    `cpu_ms=${fmt(run.cpuMs)}`,
    `docs_per_s=${Math.round(docsPerS)}`,
    `peak_rss_mib=${fmt(Math.max(...all.map((r) => r.rss.sampledBytes)) / MIB)}`,
    `max_rss_mib=${fmt(Math.max(...all.map((r) => r.rss.maxRssBytes)) / MIB)}`,
    `errors=${run.errorCount}`,
  ].join(' ');
}

export function peakMiB(run: RenderRun): number {
  return Math.max(run.rss.sampledBytes, run.rss.maxRssBytes) / MIB;
}

/** Verdict lines for the (median) N=10 and N=100 runs; the RSS verdict takes the highest of `largeAll`. */
export function targetLines(small: RenderRun, large: RenderRun, largeAll: RenderRun[] = [large]): string[] {
  const clean = small.errorCount === 0 && large.errorCount === 0;
  const why = clean ? undefined : 'render errors';
  const ratio = large.wallMs / small.wallMs;
  const peak = Math.max(...largeAll.map(peakMiB));
  return [
    `target render_wall docs=${large.documents} wall_ms=${fmt(large.wallMs)} limit_ms=${TARGETS.wallMs} ${verdict(clean && large.wallMs < TARGETS.wallMs, why)}`,
    `target render_rss docs=${large.documents} peak_rss_mib=${fmt(peak)} limit_mib=${TARGETS.rssMiB} ${verdict(clean && peak < TARGETS.rssMiB, why)}`,
    `target scaling docs_ratio=${fmt(large.documents / small.documents)} time_ratio=${fmt(ratio)} limit=${TARGETS.scaling} ${verdict(clean && ratio <= TARGETS.scaling, why)}`,
  ];
}

/**
 * `slipway render` of treasuremap seaworthy as a whole process: CPU seconds (user + sys) and
 * wall time, against the goal of 20x less CPU than Deckhand's engine (5.4 s on this machine class).
 */
export function treasuremapLine(
  site: string,
  parseCache: 'warm' | 'filling' | 'off',
  run: CliRun,
  load: number,
): string {
  const failed = run.exitCodes.some((c) => c !== 0);
  const s = (ms: number) => (ms / 1000).toFixed(3);
  return [
    `cli render treasuremap-v1.9/${site}`,
    `parse_cache=${parseCache}`,
    `runs=${run.runs.length}`,
    `cpu_s(user+sys)=${s(run.medianCpuMs)}`,
    `cpu_min_s=${s(Math.min(...run.cpuMs))}`,
    `wall_s=${s(run.medianMs)}`,
    `wall_min_s=${s(Math.min(...run.runs))}`,
    `goal_cpu_s=${TARGETS.treasuremapCpuS}`,
    `deckhand_cpu_s=5.4`,
    `loadavg_1m=${fmt(load)}`,
    verdict(
      !failed && run.medianCpuMs / 1000 <= TARGETS.treasuremapCpuS,
      failed ? `exit codes ${[...new Set(run.exitCodes)].join(',')}` : undefined,
    ),
  ].join(' ');
}

export function cliLine(label: string, docs: number | undefined, run: CliRun, limitMs?: number): string {
  const failed = run.exitCodes.some((c) => c !== 0);
  const parts = [
    `cli render ${label}`,
    ...(docs === undefined ? [] : [`docs=${docs}`]),
    `runs=${run.runs.length}`,
    `median_ms=${fmt(run.medianMs)}`,
    `min_ms=${fmt(Math.min(...run.runs))}`,
    `max_ms=${fmt(Math.max(...run.runs))}`,
    `cpu_median_ms=${fmt(run.medianCpuMs)}`,
  ];
  if (limitMs !== undefined) {
    parts.push(
      `limit_ms=${limitMs}`,
      verdict(
        !failed && run.medianMs < limitMs,
        failed ? `exit codes ${[...new Set(run.exitCodes)].join(',')}` : undefined,
      ),
    );
  } else if (failed) {
    parts.push(`FAILED (exit codes ${[...new Set(run.exitCodes)].join(',')})`);
  }
  return parts.join(' ');
}

export function fmt(v: number): string {
  return Number.isFinite(v) ? (Math.round(v * 10) / 10).toString() : String(v);
}

/** `loadavg_1m=N` for a figure's line: every figure says how busy the machine was. */
export function loadField(): string {
  return `loadavg_1m=${loadavg()[0]!.toFixed(2)}`;
}
