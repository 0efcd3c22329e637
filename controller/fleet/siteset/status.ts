// status: the SiteSet's status from one pass (generation, sync, rollout). Pure. kstatus
// conditions:
//   rollout Completed, nothing wrong          → Ready=True
//   rollout Progressing / Paused              → Ready=Unknown, Reconciling=True (reason Progressing / Paused)
//   rollout Stalled (failures > maxFailures),
//   a generator failed or listed nothing, a
//   Site generated badly or held by another
//   controller                                → Stalled=True naming what, Ready=False
//   suspended                                 → Ready=Unknown (Suspended); rollout and sites unchanged
// lastTransitionTime moves only when a condition's status flips.

import type { SiteSetStatus } from '../../operator/api/siteset-types.js';
import { siteSetSummary } from '../../operator/api/status-summary.js';
import type { Condition, ConditionStatus } from '../../operator/api/types.js';
import { canonicalJson } from './digest.js';
import type { Generated } from './generate.js';
import type { RolloutPlan } from './rollout.js';
import type { SyncPlan } from './sync.js';

export interface PassResult {
  generation?: number | undefined;
  previous?: SiteSetStatus | undefined;
  now: Date;
  /** The slipway.dev/requestedAt annotation. */
  requestedAt?: string | undefined;
  suspended?: boolean;
  generated?: Generated;
  sync?: SyncPlan;
  rollout?: RolloutPlan;
  /** Errors from writing Sites in this pass (name → message). */
  writeErrors?: { name: string; message: string }[];
}

const MAX_MESSAGE = 2_000;
const truncate = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

export function nextSiteSetStatus(pass: PassResult): SiteSetStatus {
  const prev = pass.previous ?? {};
  const status: SiteSetStatus = { ...prev };
  if (pass.generation !== undefined) status.observedGeneration = pass.generation;
  if (pass.requestedAt) status.lastHandledReconcileAt = pass.requestedAt;
  const conds: [string, ConditionStatus, string, string][] = [];
  if (pass.suspended) {
    conds.push(['Ready', 'Unknown', 'Suspended', 'spec.suspend is true: nothing is generated or updated']);
    status.conditions = conditions(prev.conditions, conds, pass.generation, pass.now);
    return status;
  }
  const r = pass.rollout;
  if (r) {
    status.rollout = r.rollout;
    status.sites = r.sites;
    status.counts = r.counts;
    status.summary = siteSetSummary(
      r.counts.ready,
      r.counts.total,
      r.rollout.waves.length ? { current: r.rollout.currentWave ?? 0, total: r.rollout.waves.length } : undefined,
    );
  }
  const stalled: { reason: string; message: string }[] = [];
  if (r?.stalled) stalled.push({ reason: 'RolloutStalled', message: r.stalled });
  const g = pass.generated;
  if (g && !g.complete) {
    const blocking = g.problems.filter((p) => p.reason !== 'DuplicateSite');
    const first = blocking[0];
    stalled.push({
      reason: first?.reason ?? 'GeneratorFailed',
      message: `${blocking.map((p) => p.message).join('; ')}; no Site is deleted or released until the generators list every site`,
    });
  }
  for (const c of pass.sync?.conflicts ?? []) stalled.push({ reason: 'SiteConflict', message: c.message });
  for (const e of pass.writeErrors ?? [])
    stalled.push({ reason: 'SiteWriteFailed', message: `${e.name}: ${e.message}` });
  if (stalled.length > 0) {
    const message = truncate(stalled.map((s) => s.message).join('\n'));
    conds.push(['Ready', 'False', stalled[0]!.reason, message], ['Stalled', 'True', stalled[0]!.reason, message]);
  } else if (r?.rollout.state === 'Completed') {
    conds.push([
      'Ready',
      'True',
      'RolloutCompleted',
      `${r.counts.ready}/${r.counts.total} Sites Ready at revision ${r.rollout.revision}`,
    ]);
  } else if (r) {
    const reason = r.rollout.state === 'Paused' ? 'Paused' : 'Progressing';
    const wave = (r.rollout.currentWave ?? 0) + 1;
    const message = `${r.rollout.state === 'Paused' ? 'paused at' : 'rolling out'} revision ${r.rollout.revision}: wave ${wave}/${r.rollout.waves.length}, ${r.counts.ready}/${r.counts.total} Sites Ready`;
    conds.push(['Ready', 'Unknown', reason, message], ['Reconciling', 'True', reason, message]);
  }
  status.conditions = conditions(prev.conditions, conds, pass.generation, pass.now);
  return status;
}

function conditions(
  previous: readonly Condition[] | undefined,
  wanted: [string, ConditionStatus, string, string][],
  generation: number | undefined,
  now: Date,
): Condition[] {
  return wanted.map(([type, status, reason, message]) => {
    const before = previous?.find((c) => c.type === type);
    const c: Condition = {
      type,
      status,
      reason,
      message,
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now.toISOString(),
    };
    if (generation !== undefined) c.observedGeneration = generation;
    return c;
  });
}

/** Sites listed one by one in a stored status, at most: 10,000 entries would outgrow etcd's 1.5 MiB object limit. */
export const STORED_SITES_LIMIT = 1_000;

const KEEP_FIRST: Record<string, number> = { Failed: 0, Progressing: 1, Pending: 2, Suspended: 3, Ready: 4 };

/**
 * The status as written to the API server: up to `limit` Sites in `status.sites`, all of them
 * when they fit, else the ones that need a look first (Failed, Progressing, Pending, Suspended;
 * Ready last), in their order. `counts` and `summary` still count every Site, and each wave still
 * names all of its Sites. The controller keeps the whole status in memory for its next pass.
 */
export function storedStatus(status: SiteSetStatus, limit = STORED_SITES_LIMIT): SiteSetStatus {
  const sites = status.sites;
  if (!sites || sites.length <= limit) return status;
  const kept = new Set(
    sites
      .map((s, i) => ({ i, rank: KEEP_FIRST[s.state] ?? 4 }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .slice(0, limit)
      .map((x) => x.i),
  );
  return { ...status, sites: sites.filter((_, i) => kept.has(i)) };
}

/** Whether writing `next` would change what is stored. */
export function statusChanged(previous: SiteSetStatus | undefined, next: SiteSetStatus): boolean {
  return canonicalJson(previous ?? {}) !== canonicalJson(next);
}
