// The controller replicas of the fleet benchmark: one `slipway controller --shard KEY` process
// per shard key (leader election on, limited to the run's namespace), each one's RSS sampled
// from /proc, the API server's too; stopped with SIGTERM (SIGKILL after a grace period).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Replica {
  shard: string;
  child: ChildProcess;
  /** Peak VmRSS seen, KiB. */
  peakKiB(): number;
  /** CPU seconds used so far: the replica's own and its helm children's. */
  cpuSeconds(): { self: number; children: number };
  /** Whether it logged that its workers started. */
  started(): boolean;
  /** The last log lines (for a failure message). */
  tail(): string[];
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  repoRoot: string;
  namespace: string;
  shard: string;
  env: Record<string, string>;
  workers: number;
  fake: boolean;
}

/** VmRSS of a process, KiB (0 when it is gone). */
export function rssKiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const CLK_TCK = 100;
/** CPU seconds of a process (utime + stime) and of its waited-for children (cutime + cstime: helm), from /proc/PID/stat. */
export function cpuSecondsOf(pid: number | undefined): { self: number; children: number } {
  if (!pid) return { self: 0, children: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      self: (Number(f[11]) + Number(f[12])) / CLK_TCK,
      children: (Number(f[13]) + Number(f[14])) / CLK_TCK,
    };
  } catch {
    return { self: 0, children: 0 };
  }
}

/** CPU seconds of a process and its direct children (Ironic's master and its workers), from /proc. */
export function processGroupCpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  let total = cpuSecondsOf(pid).self;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) total += cpuSecondsOf(Number(entry)).self;
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
}

/** Peak RSS of a process that someone else started (the API server), sampled on an interval. */
export function sampleRss(pid: number | undefined, everyMs = 500): { peakKiB(): number; stop(): void } {
  let peak = rssKiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKiB(pid));
  }, everyMs);
  timer.unref();
  return { peakKiB: () => Math.max(peak, rssKiB(pid)), stop: () => clearInterval(timer) };
}

export function startReplica(o: ReplicaOptions): Replica {
  const main = join(o.repoRoot, 'dist', 'controller', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const child = spawn(
    process.execPath,
    [
      main,
      'controller',
      '--namespace',
      o.namespace,
      '--shard',
      o.shard,
      '--leader-elect',
      '--leader-election-namespace',
      o.namespace,
      '--leader-election-id',
      'fleet-bench',
      '--workers',
      String(o.workers),
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
      '--inline-root',
      o.repoRoot,
      ...(o.fake ? ['--drivers', 'fake'] : []),
    ],
    { cwd: o.repoRoot, env: { ...o.env, SLIPWAY_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail: string[] = [];
  let started = false;
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.includes('"workers started"')) started = true;
      if (/"level":"(error|warn)"/.test(line) || !line.startsWith('{')) {
        tail.push(line.slice(0, 400));
        if (tail.length > 20) tail.shift();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const rss = sampleRss(child.pid, 250);
  let lastCpu = { self: 0, children: 0 };
  return {
    shard: o.shard,
    child,
    peakKiB: rss.peakKiB,
    cpuSeconds: () => (lastCpu = child.exitCode === null ? cpuSecondsOf(child.pid) : lastCpu),
    started: () => started,
    tail: () => [...tail],
    async stop() {
      rss.stop();
      if (child.exitCode !== null || child.signalCode !== null) return;
      lastCpu = cpuSecondsOf(child.pid);
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A process of the local infrastructure by its PID file under e2e/.state/ (`pids/kube-apiserver.pid`, `ironic.pid`). */
export function infraPid(repoRoot: string, pidFile: string): number | undefined {
  const file = join(repoRoot, 'e2e', '.state', pidFile);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
