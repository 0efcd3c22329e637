// The fleet rollout benchmark's output: one `key=value` line per run and per rollout, and a
// verdict (OK or MISSED) per target. Pure: figures in, lines out; nothing decides the exit code.

import { fmt, verdict } from './report.js';

export const FLEET_TARGETS = {
  /** 1,000 Sites Ready in at most 15 minutes (real drivers). */
  readySeconds1000: 900,
  /** Peak RSS of each controller replica. */
  replicaRssMiB: 200,
  /** 10x the Sites in at most 11x the time. */
  scaling: 11,
} as const;

export type Drivers = 'real' | 'fake';

export interface CpuSplit {
  /** The controller replicas' own CPU seconds, summed. */
  controllers: number;
  /** Their helm children's. */
  helm: number;
  apiServer: number;
  etcd: number;
  ironic: number;
}

export interface WaveTiming {
  name: string;
  sites: number;
  /** Seconds from the previous wave's end (or the change) until every Site of this wave was Ready. */
  seconds: number;
}

export interface FleetRun {
  drivers: Drivers;
  sites: number;
  shards: number;
  workers: number;
  /** Seconds from creating the SiteSet until it was Ready with every Site Ready. */
  readySeconds: number;
  /** The first rollout's waves (from zero). */
  createWaves: WaveTiming[];
  /** The template change's waves, and its total. */
  changeWaves: WaveTiming[];
  changeSeconds: number;
  replicaPeakMiB: number[];
  apiServerPeakMiB: number;
  etcdPeakMiB: number;
  cpu: CpuSplit;
  /** What the run checked beyond Ready: Ironic nodes per state, ConfigMaps at the new value. */
  checks: string[];
  loadavg: string;
}

const s = (v: number) => fmt(v);

export function runLine(r: FleetRun): string {
  const waves = (ws: WaveTiming[]) => ws.map((w) => `${w.name}:${w.sites}:${s(w.seconds)}s`).join(',');
  return [
    `fleet rollout drivers=${r.drivers}`,
    `sites=${r.sites}`,
    `releases=${r.sites * 3}`,
    `nodes=${r.sites}`,
    `shards=${r.shards}`,
    `workers=${r.workers}`,
    `ready_s=${s(r.readySeconds)}`,
    `create_waves=${waves(r.createWaves)}`,
    `change_s=${s(r.changeSeconds)}`,
    `change_waves=${waves(r.changeWaves)}`,
    `replica_peak_rss_mib=${r.replicaPeakMiB.map(s).join(',')}`,
    `apiserver_peak_rss_mib=${s(r.apiServerPeakMiB)}`,
    `etcd_peak_rss_mib=${s(r.etcdPeakMiB)}`,
    `cpu_s(controllers=${s(r.cpu.controllers)},helm=${s(r.cpu.helm)},apiserver=${s(r.cpu.apiServer)},etcd=${s(r.cpu.etcd)},ironic=${s(r.cpu.ironic)})`,
    `checks=${r.checks.join(';')}`,
    `loadavg=${r.loadavg.replace(/ /g, '/')}`,
  ].join(' ');
}

/** Where the CPU went, largest first: the likely limit of the run. */
export function limitLine(r: FleetRun): string {
  const parts = Object.entries(r.cpu).sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((a, [, v]) => a + v, 0);
  const wall = r.readySeconds + r.changeSeconds;
  return [
    `fleet limit drivers=${r.drivers} sites=${r.sites}`,
    `cpu_total_s=${s(total)}`,
    `wall_s=${s(wall)}`,
    `cores_busy=${s(total / Math.max(wall, 1e-3))}`,
    `by=${parts.map(([k, v]) => `${k}:${total ? Math.round((v / total) * 100) : 0}%`).join(',')}`,
  ].join(' ');
}

export function targetLines(runs: FleetRun[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    const peak = Math.max(...r.replicaPeakMiB);
    lines.push(
      `target fleet_replica_rss drivers=${r.drivers} sites=${r.sites} peak_rss_mib=${s(peak)} limit_mib=${FLEET_TARGETS.replicaRssMiB} ${verdict(peak <= FLEET_TARGETS.replicaRssMiB)}`,
    );
    if (r.drivers === 'real' && r.sites === 1000)
      lines.push(
        `target fleet_ready drivers=real sites=1000 ready_s=${s(r.readySeconds)} limit_s=${FLEET_TARGETS.readySeconds1000} ${verdict(r.readySeconds <= FLEET_TARGETS.readySeconds1000)}`,
      );
  }
  for (const drivers of ['real', 'fake'] as const) {
    const mine = runs.filter((r) => r.drivers === drivers).sort((a, b) => a.sites - b.sites);
    for (let i = 1; i < mine.length; i++) {
      const small = mine[i - 1]!;
      const large = mine[i]!;
      const sitesRatio = large.sites / small.sites;
      const timeRatio = large.readySeconds / small.readySeconds;
      const changeRatio = large.changeSeconds / small.changeSeconds;
      const limit = (FLEET_TARGETS.scaling * sitesRatio) / 10;
      lines.push(
        `target fleet_scaling drivers=${drivers} sites=${small.sites}->${large.sites} sites_ratio=${s(sitesRatio)} ready_time_ratio=${s(timeRatio)} change_time_ratio=${s(changeRatio)} rss_ratio=${s(Math.max(...large.replicaPeakMiB) / Math.max(...small.replicaPeakMiB))} limit=${s(limit)} ${verdict(timeRatio <= limit)}`,
      );
    }
  }
  return lines;
}

export function failedLine(drivers: Drivers, sites: number, message: string, loadavg: string): string {
  return `fleet rollout drivers=${drivers} sites=${sites} FAILED (${message.replace(/\s+/g, ' ').slice(0, 600)}) loadavg=${loadavg.replace(/ /g, '/')}`;
}
