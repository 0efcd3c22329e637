// fleet status: what `slipway fleet status` shows, from SiteSets as read from the API. Pure.
// Per SiteSet its rollout; per wave and per Site: revision, state, duration (a running
// one's duration is counted up to `now`).

import type { SiteSet } from '../../operator/api/siteset-types.js';
import type { Condition } from '../../operator/api/types.js';

export interface FleetWaveView {
  wave: number;
  name?: string;
  state: string;
  sites: number;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
}

export interface FleetSiteView {
  name: string;
  siteName: string;
  wave: number;
  state: string;
  revision?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  message?: string;
}

export interface FleetSiteSetView {
  namespace: string;
  name: string;
  ready: string;
  /** The Ready or Stalled condition's message when not Ready. */
  message?: string;
  sites: string;
  wave?: string;
  rollout?: {
    revision: string;
    state: string;
    currentWave?: number;
    startedAt?: string;
    finishedAt?: string;
    durationSeconds?: number;
  };
  waves: FleetWaveView[];
  siteStatus: FleetSiteView[];
}

const seconds = (from: string | undefined, to: string | undefined, now: Date): number | undefined =>
  from ? Math.max(0, Math.round(((to ? Date.parse(to) : now.getTime()) - Date.parse(from)) / 100) / 10) : undefined;

export function fleetStatusView(siteSets: readonly SiteSet[], now: Date): FleetSiteSetView[] {
  return [...siteSets]
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    )
    .map((s) => {
      const st = s.status ?? {};
      const cond = (t: string): Condition | undefined => st.conditions?.find((c) => c.type === t);
      const ready = cond('Ready');
      const stalled = cond('Stalled');
      const view: FleetSiteSetView = {
        namespace: s.metadata.namespace ?? 'default',
        name: s.metadata.name,
        ready: ready?.status ?? 'Unknown',
        sites: st.summary?.sites ?? `${st.counts?.ready ?? 0}/${st.counts?.total ?? 0}`,
        waves: [],
        siteStatus: [],
      };
      const message =
        stalled?.status === 'True' ? stalled.message : ready && ready.status !== 'True' ? ready.message : undefined;
      if (message) view.message = message;
      if (st.summary?.wave) view.wave = st.summary.wave;
      const r = st.rollout;
      if (r) {
        view.rollout = { revision: r.revision, state: r.state };
        if (r.currentWave !== undefined) view.rollout.currentWave = r.currentWave + 1;
        if (r.startedAt) view.rollout.startedAt = r.startedAt;
        if (r.finishedAt) view.rollout.finishedAt = r.finishedAt;
        const d = seconds(r.startedAt, r.finishedAt, now);
        if (d !== undefined) view.rollout.durationSeconds = d;
        view.waves = r.waves.map((w) => {
          const v: FleetWaveView = { wave: w.index + 1, state: w.state, sites: w.sites.length };
          if (w.name) v.name = w.name;
          if (w.startedAt) v.startedAt = w.startedAt;
          if (w.finishedAt) v.finishedAt = w.finishedAt;
          const wd = w.durationSeconds ?? seconds(w.startedAt, w.finishedAt, now);
          if (wd !== undefined) v.durationSeconds = wd;
          return v;
        });
      }
      view.siteStatus = (st.sites ?? []).map((x) => {
        const v: FleetSiteView = { name: x.name, siteName: x.siteName, wave: x.wave + 1, state: x.state };
        if (x.revision) v.revision = x.revision;
        if (x.startedAt) v.startedAt = x.startedAt;
        if (x.finishedAt) v.finishedAt = x.finishedAt;
        const sd = x.durationSeconds ?? (x.state === 'Progressing' ? seconds(x.startedAt, undefined, now) : undefined);
        if (sd !== undefined) v.durationSeconds = sd;
        if (x.message) v.message = x.message;
        return v;
      });
      return view;
    });
}

/** `sha256:<64 hex>` → `sha256:<12 hex>`; `main@sha1:<40 hex>` → `main@sha1:<12 hex>`. */
export function shortRevision(revision: string | undefined): string {
  if (!revision) return '-';
  return revision.replace(/(sha1|sha256):([0-9a-f]{12})[0-9a-f]+$/, '$1:$2');
}

export function formatDuration(s: number | undefined, running = false): string {
  if (s === undefined) return '-';
  const text =
    s < 60
      ? `${s.toFixed(1)}s`
      : s < 3600
        ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
        : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return running ? `${text}+` : text;
}

function table(rows: string[][], indent: string): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n')}\n`;
}

const oneLine = (s: string, max = 100) => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export function formatFleetStatus(views: readonly FleetSiteSetView[]): string {
  if (views.length === 0) return 'No SiteSets found.\n';
  let out = table(
    [
      ['NAMESPACE', 'SITESET', 'READY', 'SITES', 'WAVE', 'ROLLOUT', 'REVISION', 'DURATION'],
      ...views.map((v) => [
        v.namespace,
        v.name,
        v.ready,
        v.sites,
        v.wave ?? '-',
        v.rollout?.state ?? '-',
        v.rollout?.revision ?? '-',
        formatDuration(v.rollout?.durationSeconds, !!v.rollout && !v.rollout.finishedAt),
      ]),
    ],
    '',
  );
  for (const v of views) {
    out += `\n${v.namespace}/${v.name}${v.rollout ? `: ${v.rollout.state} at ${v.rollout.revision}` : ': no rollout yet'}\n`;
    if (v.message)
      out += `  ${v.message
        .split('\n')
        .map((l) => oneLine(l, 200))
        .join('\n  ')}\n`;
    if (v.waves.length) {
      out += table(
        [
          ['WAVE', 'NAME', 'STATE', 'SITES', 'STARTED', 'DURATION'],
          ...v.waves.map((w) => [
            String(w.wave),
            w.name ?? '-',
            w.state,
            String(w.sites),
            w.startedAt ?? '-',
            formatDuration(w.durationSeconds, !!w.startedAt && !w.finishedAt),
          ]),
        ],
        '  ',
      );
    }
    if (v.siteStatus.length) {
      out += table(
        [
          ['SITE', 'WAVE', 'STATE', 'REVISION', 'DURATION', 'MESSAGE'],
          ...v.siteStatus.map((s) => [
            s.name,
            String(s.wave),
            s.state,
            shortRevision(s.revision),
            formatDuration(s.durationSeconds, s.state === 'Progressing'),
            s.message ? oneLine(s.message) : '',
          ]),
        ],
        '  ',
      );
    }
  }
  return out;
}
