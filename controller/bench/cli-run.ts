// Whole-process measurement: run `slipway render PATH --site NAME` (output to /dev/null)
// several times and keep each run's wall time.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

export const CLI_MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));

export interface CliRun {
  runs: number[];
  medianMs: number;
  exitCodes: number[];
  /** stderr of the first failed run, when one failed. */
  firstError?: string;
}

export async function timeCliRender(root: string, site: string, runs: number): Promise<CliRun> {
  const times: number[] = [];
  const exitCodes: number[] = [];
  let firstError: string | undefined;
  for (let i = 0; i < runs; i++) {
    const { ms, code, stderr } = await runOnce([CLI_MAIN, "render", root, "--site", site]);
    times.push(ms);
    exitCodes.push(code);
    if (code !== 0 && firstError === undefined) firstError = stderr.trim().split("\n").slice(0, 5).join("\n");
  }
  const result: CliRun = { runs: times, medianMs: median(times), exitCodes };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}

function runOnce(args: string[]): Promise<{ ms: number; code: number; stderr: string }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < 10_000) stderr += chunk;
    });
    child.on("error", (err) => resolve({ ms: performance.now() - start, code: -1, stderr: String(err) }));
    child.on("close", (code) => resolve({ ms: performance.now() - start, code: code ?? -1, stderr }));
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
