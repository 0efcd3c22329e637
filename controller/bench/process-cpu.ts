// CPU seconds of this process and of its children that have been waited for (every helm
// process execa started and reaped), from /proc/self/stat: utime+stime and cutime+cstime.

import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100;

export interface CpuSeconds {
  self: number;
  children: number;
}

/** Fields after the command name (which may hold spaces) of a /proc/<pid>/stat line. */
export function parseCpuSeconds(stat: string): CpuSeconds {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime..cstime are fields 14..17.
  const field = (n: number) => Number(rest[n - 3]);
  return {
    self: (field(14) + field(15)) / CLOCK_TICKS,
    children: (field(16) + field(17)) / CLOCK_TICKS,
  };
}

export function cpuSeconds(): CpuSeconds {
  return parseCpuSeconds(readFileSync('/proc/self/stat', 'utf8'));
}
