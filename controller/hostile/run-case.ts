// Running one hostile case: its repository in a temp folder, the built CLI as a child
// process (killed at the hang limit), its output, exit code, wall time, CPU time and peak
// memory (the child's own resourceUsage(), written at exit by a preloaded module).
//
// Time is held to two limits. The work a case may do is 10 s of CPU (user + sys): that
// does not depend on how busy the machine is. A process that waits instead of working (a
// retry, a poll, a read that never ends) uses no CPU, so the wall clock bounds it too, at
// what a 2-core machine with a CPU hog beside the suite needs (e2e/stress.sh): on a quiet
// machine every case ends in well under 10 s (`npm run corpus` prints the slowest).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseSite } from './base-site.js';
import type { HostileCase } from './cases.js';

/** CPU (user + sys) a case may use. */
export const CPU_LIMIT_MS = 10_000;
/** Wall time after which a case is killed as hanging. */
export const HANG_LIMIT_MS = 30_000;
export const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;

export interface CaseRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** CPU time (user + sys) of the child, ms; undefined when it never reached exit. */
  cpuMs: number | undefined;
  /** Peak resident memory of the child, bytes; undefined when it never reached exit. */
  maxRssBytes: number | undefined;
  /**
   * Milliseconds from the command's fatal error (`slipway CMD: Code: ...`) to exit: how long a
   * process lingers after it gave up. Warnings printed before it do not start the clock.
   */
  afterFirstErrorMs: number | undefined;
  killed: boolean;
  secrets: string[];
}

/** package.json's `bin`, read once. */
let bin: string | undefined;

/** The command as users start it: package.json's `bin` (the bundle), from this file's place in src or dist. */
export function cliPath(): string {
  if (bin) return bin;
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.includes('/dist/') ? join(here, '..', '..', '..') : join(here, '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { slipway: string } };
  bin = join(root, pkg.bin.slipway);
  return bin;
}

const PRELOAD = `import { writeSync, openSync, closeSync } from "node:fs";
process.on("exit", () => {
  const f = process.env.SLIPWAY_CORPUS_USAGE;
  if (!f) return;
  try {
    const u = process.resourceUsage();
    const fd = openSync(f, "w");
    writeSync(fd, JSON.stringify({ maxRSS: u.maxRSS, cpuMicros: u.userCPUTime + u.systemCPUTime }));
    closeSync(fd);
  } catch {}
});
`;

export interface CorpusWorkspace {
  dir: string;
  preload: string;
  kubeconfig: string;
  dispose(): Promise<void>;
}

export async function createWorkspace(): Promise<CorpusWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-corpus-'));
  await chmod(dir, 0o755);
  const preload = join(dir, 'report-usage.mjs');
  await writeFile(preload, PRELOAD);
  // A cluster nothing listens on: helm's observer fails at once, like Ironic on its closed port.
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:9', insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
  );
  await chmod(kubeconfig, 0o644);
  return { dir, preload, kubeconfig, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export async function runCase(c: HostileCase, index: number, ws: CorpusWorkspace): Promise<CaseRun> {
  const repo = join(ws.dir, `case-${String(index).padStart(3, '0')}`);
  const site = baseSite();
  c.edit?.(site.files);
  for (const [path, text] of Object.entries(site.files)) {
    if (text === '') continue;
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
  await c.setup?.(repo);
  if (c.uid !== undefined) await chmodTree(repo);
  const usageFile = join(ws.dir, `usage-${index}`);
  await writeFile(usageFile, '');
  await chmod(usageFile, 0o666); // the child may run as another user
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: ws.dir,
    KUBECONFIG: ws.kubeconfig,
    SLIPWAY_CORPUS_USAGE: usageFile,
    ...c.env,
  };
  const started = performance.now();
  let firstError: number | undefined;
  const child = spawn(process.execPath, ['--import', ws.preload, cliPath(), ...c.argv], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(c.uid !== undefined ? { uid: c.uid, gid: c.uid } : {}),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => {
    err.push(b);
    if (firstError === undefined && FATAL_ERROR.test(Buffer.concat(err).toString('utf8')))
      firstError = performance.now();
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, HANG_LIMIT_MS);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(timer);
  const ended = performance.now();
  let maxRssBytes: number | undefined;
  let cpuMs: number | undefined;
  try {
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { maxRSS: number; cpuMicros: number };
    maxRssBytes = usage.maxRSS * 1024;
    cpuMs = Math.round(usage.cpuMicros / 1000);
  } catch {
    maxRssBytes = undefined;
  }
  await rm(repo, { recursive: true, force: true }).catch(() => undefined);
  return {
    exitCode,
    signal,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    wallMs: Math.round(ended - started),
    cpuMs,
    maxRssBytes,
    afterFirstErrorMs: firstError === undefined ? undefined : Math.round(ended - firstError),
    killed,
    secrets: site.secrets,
  };
}

/** A repository another user can read (the EACCES cases run as `nobody`); what the case made unreadable stays so. */
async function chmodTree(dir: string): Promise<void> {
  const { readdir, stat } = await import('node:fs/promises');
  const info = await stat(dir);
  if ((info.mode & 0o777) === 0) return;
  await chmod(dir, info.isDirectory() ? 0o755 : 0o644);
  if (!info.isDirectory()) return;
  for (const e of await readdir(dir)) await chmodTree(join(dir, e)).catch(() => undefined);
}

/** The line a command prints when it gives up: `slipway apply: ObserveFailed: ...`. */
const FATAL_ERROR = /^slipway(?: [a-z-]+)?: /m;

/** Runs `cases` `parallel` at a time; results in case order. */
export async function runAll(cases: HostileCase[], ws: CorpusWorkspace, parallel = 2): Promise<CaseRun[]> {
  const results: CaseRun[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= cases.length) return;
      results[i] = await runCase(cases[i]!, i, ws);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** Every contract a case's run must keep; an empty list when it keeps them all. */
export function violations(c: HostileCase, r: CaseRun): string[] {
  const v: string[] = [];
  const all = r.stdout + r.stderr;
  if (r.killed) v.push(`still running after ${HANG_LIMIT_MS / 1000} s: killed`);
  if (r.exitCode !== c.exit) v.push(`exit code ${r.exitCode ?? r.signal} instead of ${c.exit}`);
  if (r.cpuMs !== undefined && r.cpuMs > CPU_LIMIT_MS) v.push(`used ${r.cpuMs} ms of CPU`);
  if (r.maxRssBytes === undefined && !r.killed) v.push('the child reported no memory use');
  if (r.maxRssBytes !== undefined && r.maxRssBytes > MEMORY_LIMIT_BYTES)
    v.push(`peak memory ${Math.round(r.maxRssBytes / 2 ** 20)} MiB`);
  if (/internal error/.test(r.stderr) || /\n\s+at .+[:(]\d+:\d+\)?/.test(r.stderr))
    v.push('a stack trace or internal error');
  for (const s of r.secrets) if (all.includes(s)) v.push(`secret '${s}' printed`);
  if (c.code === 'usage') {
    if (!/usage: slipway/.test(r.stderr)) v.push('no usage line for a usage error');
  } else if (c.code !== undefined) {
    if (c.code === 'Error' ? !/\b[A-Z][a-z]+[A-Z][A-Za-z]+: /.test(r.stderr) : !r.stderr.includes(`${c.code}: `))
      v.push(`no ${c.code} error`);
  }
  if (
    c.at !== undefined &&
    !new RegExp(`(^|\\s)${c.at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `, 'm').test(r.stderr)
  )
    v.push(`no ${c.at}:LINE`);
  if (c.exit === 1 && r.afterFirstErrorMs !== undefined && r.afterFirstErrorMs > 2000)
    v.push(`lived ${r.afterFirstErrorMs} ms after printing the error`);
  if (c.klass === 'help' && !/usage: slipway/.test(r.stdout)) v.push('--help printed no usage');
  return v;
}
