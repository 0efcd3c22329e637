// Whole-process measurement: run `slipway render PATH --site NAME` (output to /dev/null)
// several times and keep each run's wall time and CPU time (user + sys). The CPU time is the
// child's own `process.resourceUsage()`, written to a pipe (fd 3) by a one-line `--import`
// hook when the process exits: everything from Node's start-up to the end of the command.

import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** What users start (package.json `bin`): the bundle of build/bundle.ts. */
export const CLI_MAIN = fileURLToPath(new URL('../../slipway/slipway.js', import.meta.url));

export interface CliRun {
  runs: number[];
  medianMs: number;
  /** CPU time (user + sys) of each run, in ms. */
  cpuMs: number[];
  medianCpuMs: number;
  exitCodes: number[];
  /** stderr of the first failed run, when one failed. */
  firstError?: string;
}

export async function timeCliRender(
  root: string,
  site: string,
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  const times: number[] = [];
  const cpu: number[] = [];
  const exitCodes: number[] = [];
  let firstError: string | undefined;
  for (let i = 0; i < runs; i++) {
    const { ms, cpuMs, code, stderr } = await runOnce(
      ['--import', RUSAGE_HOOK, CLI_MAIN, 'render', root, '--site', site],
      env,
    );
    times.push(ms);
    cpu.push(cpuMs);
    exitCodes.push(code);
    if (code !== 0 && firstError === undefined) firstError = stderr.trim().split('\n').slice(0, 5).join('\n');
  }
  const result: CliRun = { runs: times, medianMs: median(times), cpuMs: cpu, medianCpuMs: median(cpu), exitCodes };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}

/** CPU time of a Node process that does nothing: what start-up alone costs on this machine now. */
export async function timeBareNode(runs: number): Promise<number> {
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) cpu.push((await runOnce(['--import', RUSAGE_HOOK, '-e', '0'], process.env)).cpuMs);
  return median(cpu);
}

/** Writes the process's own CPU time (µs, user + sys) to fd 3 as it exits. */
const RUSAGE_HOOK =
  "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{const r=process.resourceUsage();writeSync(3,String(r.userCPUTime+r.systemCPUTime))})";

function runOnce(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; cpuMs: number; code: number; stderr: string }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env });
    let stderr = '';
    let usage = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 10_000) stderr += chunk;
    });
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (chunk: string) => (usage += chunk));
    const cpuMs = () => (usage ? Number(usage) / 1000 : NaN);
    child.on('error', (err) => resolve({ ms: performance.now() - start, cpuMs: NaN, code: -1, stderr: String(err) }));
    child.on('close', (code) => resolve({ ms: performance.now() - start, cpuMs: cpuMs(), code: code ?? -1, stderr }));
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
