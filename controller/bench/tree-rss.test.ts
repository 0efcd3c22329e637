import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCpuSeconds } from './process-cpu.js';
import { rssBytes, TreeRssSampler, treePids } from './tree-rss.js';

describe('treePids / TreeRssSampler', () => {
  it('counts a child process and its memory in the tree', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    try {
      const pids = treePids(process.pid);
      expect(pids).toContain(process.pid);
      expect(pids).toContain(child.pid);
      const sampler = new TreeRssSampler(process.pid, 1000);
      sampler.sample();
      const peak = sampler.stop();
      expect(peak.peakProcesses).toBeGreaterThanOrEqual(2);
      expect(peak.peakBytes).toBeGreaterThanOrEqual(rssBytes(process.pid) + rssBytes(child.pid!) * 0.5);
      expect(peak.selfPeakBytes).toBeGreaterThan(0);
      expect(peak.peakBytes).toBeGreaterThan(peak.selfPeakBytes);
    } finally {
      child.kill();
    }
  });

  it('a process that is gone has no memory', () => {
    expect(rssBytes(2 ** 22 + 12345)).toBe(0);
  });
});

describe('parseCpuSeconds', () => {
  it('reads utime+stime and cutime+cstime past a command name with spaces', () => {
    const stat = '42 (node a) b) S 1 42 42 0 -1 4194304 100 0 0 0 250 50 700 300 20 0 11 0 5 0 0';
    expect(parseCpuSeconds(stat)).toEqual({ self: 3, children: 10 });
  });
});
