// Resident memory of a whole process tree: this process and every descendant (helm children
// included), read from /proc. The sum is what the machine actually gives Slipway while it
// works; the sampler keeps the peak of that sum and of the number of processes in it.

import { readdirSync, readFileSync } from 'node:fs';
import { sampleEvery } from './rss-sampler.js';

const PAGE_BYTES = 4096;

/** Children of one process: the union of /proc/<pid>/task/<tid>/children over its threads. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // exited
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) for (const c of text.split(' ')) out.push(Number(c));
    } catch {
      /* thread or process exited meanwhile */
    }
  }
  return out;
}

/** `root` and all its descendants that are alive now. */
export function treePids(root: number): number[] {
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...childPids(pid));
  }
  return [...seen];
}

/** Resident bytes of one process (/proc/<pid>/statm, second field); 0 when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(fields[1]) * PAGE_BYTES;
  } catch {
    return 0;
  }
}

export interface TreeRssPeak {
  /** Highest sum of RSS over the tree seen in one sample, in bytes. */
  peakBytes: number;
  /** Number of processes in that peak sample. */
  peakProcesses: number;
  /** The highest RSS of this process alone in any sample. */
  selfPeakBytes: number;
  samples: number;
}

export class TreeRssSampler {
  private peak: TreeRssPeak = { peakBytes: 0, peakProcesses: 0, selfPeakBytes: 0, samples: 0 };
  private stopSampling: (() => void) | undefined;

  constructor(
    private readonly root = process.pid,
    private readonly intervalMs = 20,
  ) {}

  start(): this {
    this.stopSampling = sampleEvery(this.intervalMs, () => this.sample());
    return this;
  }

  sample(): void {
    const pids = treePids(this.root);
    let sum = 0;
    for (const pid of pids) {
      const rss = rssBytes(pid);
      sum += rss;
      if (pid === this.root && rss > this.peak.selfPeakBytes) this.peak.selfPeakBytes = rss;
    }
    if (sum > this.peak.peakBytes) {
      this.peak.peakBytes = sum;
      this.peak.peakProcesses = pids.length;
    }
    this.peak.samples++;
  }

  stop(): TreeRssPeak {
    this.stopSampling?.();
    this.stopSampling = undefined;
    return { ...this.peak };
  }
}
