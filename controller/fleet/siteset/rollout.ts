// rollout: which Sites may move to their new spec now, and where the rollout stands. Pure:
// the same input (observations, previous status, time) always gives the same plan.
//
//   waves       strategy.waves → ./waves.ts; the first wave is the canary
//   gate        a wave starts only when every Site of the earlier waves is Ready at its new
//               spec (a failed Site counts as done while the failures are within
//               maxFailures), and pauseBetween has passed since the earlier wave finished
//   parallel    at most maxParallel Sites updating at once (default: a whole wave)
//   failures    a Site Stalled, or Ready=False after an attempt at its new spec; once failed
//               at a spec it stays failed until Ready. More than maxFailures (default 0)
//               → nothing more starts, the rollout is Stalled and names the failing Sites
//   paused      spec.strategy.paused or the slipway.dev/rollout-paused annotation: nothing
//               more starts; Sites already updating finish
//   status      per wave and per Site: state, revision, start, finish, duration; a wave that
//               succeeded at this revision stays so while its Sites stay the same
import type {
  RolloutState,
  RolloutStatus,
  RolloutStrategy,
  SiteRolloutState,
  SiteSetCounts,
  SiteSetSiteStatus,
  SiteSetStatus,
  WaveState,
  WaveStatus,
} from '../../operator/api/siteset-types.js';
import { parseDuration } from '../../operator/reconcile/duration.js';
import type { SiteObservation } from './observe.js';
import { assignWaves } from './waves.js';

export interface RolloutSite {
  /** The Site object's name. */
  name: string;
  siteName: string;
  labels: Readonly<Record<string, string>>;
  /** The spec digest the SiteSet wants this Site at. */
  specDigest: string;
  observed: SiteObservation;
}

export interface RolloutInput {
  /** The SiteSet's generated revision (./generate.ts). */
  revision: string;
  strategy?: RolloutStrategy | undefined;
  /** spec.strategy.paused or the pause annotation. */
  paused: boolean;
  /** In generator order. */
  sites: readonly RolloutSite[];
  /** The SiteSet's status as last written. */
  previous?: SiteSetStatus | undefined;
  now: Date;
}

export interface RolloutPlan {
  /** Sites to create or update to their new spec now, in wave order. */
  start: string[];
  rollout: RolloutStatus;
  sites: SiteSetSiteStatus[];
  counts: SiteSetCounts;
  /** Sites counted as failures. */
  failing: string[];
  /** Set when failures exceed maxFailures: why the rollout stopped. */
  stalled?: string;
  /** Look again after this long without an event (a pauseBetween running out). */
  requeueAfterMs?: number;
}

const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10);

export function planRollout(input: RolloutInput): RolloutPlan {
  const now = input.now.toISOString();
  const strategy = input.strategy ?? {};
  const maxFailures = strategy.maxFailures ?? 0;
  const pauseMs = parseDuration(strategy.pauseBetween) ?? 0;
  const sameRevision = input.previous?.rollout?.revision === input.revision;
  const prevSites = new Map((input.previous?.sites ?? []).map((s) => [s.name, s]));
  const prevWaves = sameRevision ? (input.previous?.rollout?.waves ?? []) : [];

  // 1. each Site's state, before anything starts
  const state = new Map<string, SiteRolloutState>();
  const message = new Map<string, string>();
  for (const s of input.sites) {
    const prev = prevSites.get(s.name);
    const o = s.observed;
    let st: SiteRolloutState;
    switch (o.phase) {
      case 'Missing':
      case 'Outdated':
        st = 'Pending';
        break;
      case 'Ready':
        st = 'Ready';
        break;
      case 'Failed':
        st = 'Failed';
        break;
      case 'Suspended':
        st = 'Suspended';
        break;
      case 'Updating':
        // Failed once at this spec: still failed while the Site controller retries.
        st = prev?.state === 'Failed' && prev.specDigest === s.specDigest ? 'Failed' : 'Progressing';
        break;
    }
    state.set(s.name, st);
    const m = o.message ?? (st === 'Failed' && prev?.state === 'Failed' ? prev.message : undefined);
    if (m) message.set(s.name, m);
  }
  const failing = input.sites.filter((s) => state.get(s.name) === 'Failed').map((s) => s.name);
  const stalled = failing.length > maxFailures;

  // 2. waves, in order: the first one not done is the current one
  const waves = assignWaves(strategy.waves, input.sites);
  const waveOf = new Map<string, number>();
  for (const w of waves) for (const n of w.sites) waveOf.set(n, w.index);
  const start: string[] = [];
  const waveStatus: WaveStatus[] = [];
  let current: number | undefined;
  let lastFinished: string | undefined;
  let requeueAfterMs: number | undefined;
  let inflight = input.sites.filter((s) => state.get(s.name) === 'Progressing').length;
  const doneStates = new Set<SiteRolloutState>(stalled ? ['Ready', 'Suspended'] : ['Ready', 'Suspended', 'Failed']);

  for (const w of waves) {
    const prev = prevWaves.find((p) => p.index === w.index);
    const entry: WaveStatus = { index: w.index, ...(w.name ? { name: w.name } : {}), state: 'Pending', sites: w.sites };
    waveStatus.push(entry);
    if (current !== undefined) {
      for (const n of w.sites) if (state.get(n) === 'Pending') message.set(n, `waiting for wave ${current + 1}`);
      continue;
    }
    const sameSites = prev !== undefined && w.sites.every((n) => prev.sites.includes(n));
    const done = (prev?.state === 'Succeeded' && sameSites) || w.sites.every((n) => doneStates.has(state.get(n)!));
    if (done) {
      // A Site of a finished wave that is missing or was changed by hand is put back at once.
      for (const n of w.sites) {
        if (state.get(n) !== 'Pending') continue;
        if (stalled || input.paused) continue;
        start.push(n);
        state.set(n, 'Progressing');
        message.set(n, 'restoring the spec of a finished wave');
        inflight++;
      }
      entry.state = 'Succeeded';
      const finished = (prev?.state === 'Succeeded' && prev.finishedAt) || now;
      const started = prev?.startedAt ?? earliest(w.sites.map((n) => prevSites.get(n)?.startedAt)) ?? finished;
      Object.assign(entry, { startedAt: started, finishedAt: finished, durationSeconds: seconds(started, finished) });
      lastFinished = finished;
      continue;
    }
    current = w.index;
    // pauseBetween: counted from the end of the wave before, until this wave has started
    if (w.index > 0 && lastFinished && !prev?.startedAt && pauseMs > 0) {
      const wait = Date.parse(lastFinished) + pauseMs - input.now.getTime();
      if (wait > 0) {
        requeueAfterMs = wait;
        for (const n of w.sites)
          if (state.get(n) === 'Pending')
            message.set(
              n,
              `pauseBetween: wave ${w.index + 1} starts at ${new Date(Date.parse(lastFinished) + pauseMs).toISOString()}`,
            );
        continue;
      }
    }
    const limit = strategy.maxParallel ?? Math.max(1, w.sites.length);
    const why = stalled ? 'the rollout is stalled' : input.paused ? 'the rollout is paused' : undefined;
    for (const n of w.sites) {
      if (state.get(n) !== 'Pending') continue;
      if (!why && inflight < limit) {
        start.push(n);
        state.set(n, 'Progressing');
        message.set(n, 'updating to the new spec');
        inflight++;
      } else {
        message.set(n, why ?? `waiting: maxParallel ${limit} Sites are updating`);
      }
    }
    const started = prev?.startedAt ?? (w.sites.some((n) => state.get(n) !== 'Pending') ? now : undefined);
    if (started) entry.startedAt = started;
    entry.state =
      stalled && w.sites.some((n) => state.get(n) === 'Failed')
        ? 'Failed'
        : input.paused
          ? 'Paused'
          : started
            ? 'Progressing'
            : 'Pending';
  }

  // 3. per-Site status (times carried over while the Site stays at the same spec)
  const startedNow = new Set(start);
  const sites: SiteSetSiteStatus[] = input.sites.map((s) => {
    const prev = prevSites.get(s.name);
    const st = state.get(s.name)!;
    const sameSpec = prev?.specDigest === s.specDigest;
    const entry: SiteSetSiteStatus = { name: s.name, siteName: s.siteName, wave: waveOf.get(s.name) ?? 0, state: st };
    if (s.observed.revision) entry.revision = s.observed.revision;
    const digest = startedNow.has(s.name) ? s.specDigest : s.observed.specDigest;
    if (digest) entry.specDigest = digest;
    const startedAt = startedNow.has(s.name) ? now : sameSpec ? prev?.startedAt : undefined;
    if (startedAt && st !== 'Pending') entry.startedAt = startedAt;
    if (st === 'Ready' || st === 'Failed') {
      entry.finishedAt = sameSpec && prev?.state === st && prev.finishedAt ? prev.finishedAt : now;
      if (entry.startedAt) entry.durationSeconds = seconds(entry.startedAt, entry.finishedAt);
    }
    const m = message.get(s.name);
    if (m && st !== 'Ready') entry.message = m;
    return entry;
  });

  // 4. the rollout as a whole
  const complete = waveStatus.every((w) => w.state === 'Succeeded');
  const rolloutState: RolloutState = stalled
    ? 'Stalled'
    : complete
      ? 'Completed'
      : input.paused
        ? 'Paused'
        : 'Progressing';
  const prevRollout = sameRevision ? input.previous?.rollout : undefined;
  const rollout: RolloutStatus = {
    revision: input.revision,
    state: rolloutState,
    waves: waveStatus,
    startedAt: prevRollout?.startedAt ?? now,
  };
  rollout.currentWave = current ?? Math.max(0, waveStatus.length - 1);
  if (complete) {
    rollout.finishedAt = prevRollout?.state === 'Completed' && prevRollout.finishedAt ? prevRollout.finishedAt : now;
  }
  const counts: SiteSetCounts = { total: sites.length, ready: 0, progressing: 0, failed: 0, pending: 0 };
  for (const s of sites) {
    if (s.state === 'Ready') counts.ready++;
    else if (s.state === 'Progressing') counts.progressing++;
    else if (s.state === 'Failed') counts.failed++;
    else counts.pending++;
  }
  const plan: RolloutPlan = { start, rollout, sites, counts, failing };
  if (stalled)
    plan.stalled = `${failing.length} Site(s) failed, more than maxFailures ${maxFailures}: ${failing.map((n) => `${n} (${message.get(n) ?? 'failed'})`).join('; ')}`;
  if (requeueAfterMs !== undefined) plan.requeueAfterMs = requeueAfterMs;
  return plan;
}

function earliest(times: readonly (string | undefined)[]): string | undefined {
  const t = times.filter((x): x is string => !!x).sort();
  return t[0];
}

export type { WaveState };
