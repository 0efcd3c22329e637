// reconcileSiteSet: one pass over one SiteSet. The deciding is done by the pure modules
// beside this file; this shell reads (informer caches, git), writes (Sites, status) and
// records events and logs.
//
//   gone or being deleted → nothing (the garbage collector deletes owned Sites)
//   suspended             → a Suspended condition, nothing else
//   generate → sync → observe → rollout → write Sites → status (written only when it changed)

import { ROLLOUT_PAUSED, type SiteSet, type SiteSetStatus } from '../../operator/api/siteset-types.js';
import { REQUESTED_AT, type Site } from '../../operator/api/types.js';
import type { Clock } from '../../operator/runtime/clock.js';
import type { EventRecorder } from '../../operator/runtime/events.js';
import type { Logger } from '../../operator/runtime/log.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';
import { type DesiredSite, type Generated, type GitListingResult, generateSitesYielding } from './generate.js';
import type { GitLister } from './git-generator.js';
import { observeSite, type SiteObservation } from './observe.js';
import { planRollout, type RolloutSite } from './rollout.js';
import { nextSiteSetStatus, statusChanged, storedStatus } from './status.js';
import { planSync, siteObject } from './sync.js';

/** Reads, from the informers' caches. */
export interface SiteSetStore {
  getSiteSet(namespace: string, name: string): SiteSet | undefined;
  /** Sites of the SiteSet's namespace that carry its label or its controller reference. */
  sitesOf(siteSet: SiteSet): Site[];
}

/** Writes, to the API server. */
export interface SiteSetWriter {
  /** Creates or updates a generated Site (server-side apply: the fields the SiteSet sets). */
  applySite(site: Site): Promise<void>;
  deleteSite(site: Site): Promise<void>;
  /** Removes the SiteSet's ownerReference and label: the Site stays, no longer generated. */
  releaseSite(site: Site, ownerUid: string): Promise<void>;
  patchStatus(siteSet: SiteSet, status: SiteSetStatus): Promise<void>;
}

export interface SiteSetDeps {
  store: SiteSetStore;
  writer: SiteSetWriter;
  git: GitLister;
  clock: Clock;
  log: Logger;
  events?: Pick<EventRecorder, 'normal' | 'warning'>;
  expectations: Expectations;
  /**
   * The status this process last wrote per SiteSet (by uid). A pass woken by a Site event
   * can run before the watch shows the status the previous pass wrote; it starts from this
   * one instead, so start times and sticky states are not lost.
   */
  written?: Map<string, SiteSetStatus>;
  /** The last generation result per SiteSet uid: a pass woken by a Site event, with the same spec and git listings, reuses it. */
  generatedCache?: Map<string, { key: string; generated: Generated }>;
  /** Site writes at once (default 8). */
  writeConcurrency?: number;
}

export interface SiteSetResult {
  requeueAfterMs?: number;
  /** Writes failed: retry with backoff (after status said so). */
  error?: Error;
}

/**
 * What this controller wrote and the watch has not shown yet: a Site applied at a digest is
 * taken as updating to it until the cache shows that digest (or a minute passes), so a
 * pass that runs on a stale cache never starts more Sites than maxParallel allows.
 */
export class Expectations {
  private readonly applied = new Map<string, { digest: string; until: number }>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}
  expect(key: string, digest: string): void {
    this.applied.set(key, { digest, until: this.clock.now() + this.ttlMs });
  }
  /** The digest still expected for `key`, or undefined once the cache shows it (or it expired). */
  pending(key: string, site: Site | undefined): string | undefined {
    const e = this.applied.get(key);
    if (!e) return undefined;
    if (this.clock.now() > e.until || site?.metadata.annotations?.[SPEC_DIGEST_ANNOTATION] === e.digest) {
      this.applied.delete(key);
      return undefined;
    }
    return e.digest;
  }
}

export async function reconcileSiteSet(deps: SiteSetDeps, key: string): Promise<SiteSetResult> {
  const slash = key.indexOf('/');
  const [namespace, name] = slash < 0 ? ['default', key] : [key.slice(0, slash), key.slice(slash + 1)];
  const siteSet = deps.store.getSiteSet(namespace, name);
  if (!siteSet || siteSet.metadata.deletionTimestamp) {
    if (siteSet?.metadata.uid) {
      deps.written?.delete(siteSet.metadata.uid);
      deps.generatedCache?.delete(siteSet.metadata.uid);
    }
    return {};
  }
  const log = deps.log.child({ siteset: key });
  const now = new Date(deps.clock.now());
  const uid = siteSet.metadata.uid ?? key;
  const previous = deps.written?.get(uid) ?? siteSet.status;
  const requestedAt = siteSet.metadata.annotations?.[REQUESTED_AT];
  const generation = siteSet.metadata.generation;
  const writeStatus = async (status: SiteSetStatus) => {
    if (!statusChanged(previous, status)) return;
    deps.written?.delete(uid);
    await deps.writer.patchStatus(siteSet, storedStatus(status));
    deps.written?.set(uid, status);
  };

  if (siteSet.spec.suspend) {
    await writeStatus(nextSiteSetStatus({ generation, previous, now, requestedAt, suspended: true }));
    return {};
  }

  // 1. generate
  const forceGit = requestedAt !== undefined && requestedAt !== previous?.lastHandledReconcileAt;
  const listings = new Map<number, GitListingResult>();
  await Promise.all(
    siteSet.spec.generators.map(async (g, i) => {
      if (g.git) listings.set(i, await deps.git.list(namespace, g.git, forceGit));
    }),
  );
  const cacheKey = `${generation ?? JSON.stringify(siteSet.spec)}|${JSON.stringify([...listings])}`;
  const cached = deps.generatedCache?.get(uid);
  const generated = cached?.key === cacheKey ? cached.generated : await generateSitesYielding(siteSet, listings);
  deps.generatedCache?.set(uid, { key: cacheKey, generated });

  // 2. sync
  const existing = deps.store.sitesOf(siteSet);
  const byName = new Map(existing.map((s) => [s.metadata.name, s]));
  const sync = planSync(siteSet, generated, existing);
  const conflicted = new Set(sync.conflicts.map((c) => c.name));

  // 3. observe → rollout
  const desired = generated.sites.filter((d) => !conflicted.has(d.name));
  const rolloutSites: RolloutSite[] = desired.map((d) => {
    const site = byName.get(d.name);
    const expected = deps.expectations.pending(`${namespace}/${d.name}`, site);
    const observed: SiteObservation =
      expected === d.specDigest
        ? { phase: 'Updating', specDigest: d.specDigest, message: 'applied; waiting for the Site to show it' }
        : observeSite(site, d.specDigest);
    return { name: d.name, siteName: d.siteName, labels: d.labels, specDigest: d.specDigest, observed };
  });
  const paused = siteSet.spec.strategy?.paused === true || siteSet.metadata.annotations?.[ROLLOUT_PAUSED] === 'true';
  const plan = planRollout({
    revision: generated.revision,
    strategy: siteSet.spec.strategy,
    paused,
    sites: rolloutSites,
    previous,
    now,
  });

  // 4. write Sites
  const byDesired = new Map(desired.map((d) => [d.name, d]));
  const applies = [...new Set([...plan.start, ...sync.drifted, ...sync.adopt])]
    .map((n) => byDesired.get(n)!)
    .filter(Boolean);
  const writeErrors: { name: string; message: string }[] = [];
  const run = async (name: string, what: () => Promise<void>) => {
    try {
      await what();
    } catch (e) {
      writeErrors.push({ name, message: errorText(e) });
    }
  };
  await pool(
    [
      ...applies.map((d) => () => run(d.name, () => apply(deps, siteSet, d, namespace))),
      ...sync.delete.map((n) => () => run(n, () => deps.writer.deleteSite(byName.get(n)!))),
      ...sync.release.map(
        (n) => () => run(n, () => deps.writer.releaseSite(byName.get(n)!, siteSet.metadata.uid ?? '')),
      ),
    ],
    deps.writeConcurrency ?? 8,
  );
  report(deps, siteSet, log, plan, applies, sync, writeErrors, previous);

  // 5. status
  const status = nextSiteSetStatus({
    generation,
    previous,
    now,
    requestedAt,
    generated,
    sync,
    rollout: plan,
    writeErrors,
  });
  await writeStatus(status);

  const dues = siteSet.spec.generators.flatMap((g) =>
    g.git ? [Math.max(1_000, deps.git.dueIn(namespace, g.git))] : [],
  );
  const requeue = Math.min(plan.requeueAfterMs ?? Infinity, ...dues);
  const result: SiteSetResult = Number.isFinite(requeue) ? { requeueAfterMs: Math.max(1, Math.ceil(requeue)) } : {};
  if (writeErrors.length)
    result.error = new Error(`writing Sites failed: ${writeErrors.map((e) => `${e.name}: ${e.message}`).join('; ')}`);
  return result;
}

async function apply(deps: SiteSetDeps, siteSet: SiteSet, d: DesiredSite, namespace: string): Promise<void> {
  await deps.writer.applySite(siteObject(siteSet, d));
  deps.expectations.expect(`${namespace}/${d.name}`, d.specDigest);
}

function report(
  deps: SiteSetDeps,
  siteSet: SiteSet,
  log: Logger,
  plan: ReturnType<typeof planRollout>,
  applies: DesiredSite[],
  sync: ReturnType<typeof planSync>,
  writeErrors: { name: string; message: string }[],
  previous: SiteSetStatus | undefined,
): void {
  const ev = deps.events;
  if (plan.start.length) {
    const wave = (plan.rollout.currentWave ?? 0) + 1;
    const msg = `revision ${plan.rollout.revision}, wave ${wave}/${plan.rollout.waves.length}: updating ${plan.start.length} Site(s): ${list(plan.start)}`;
    ev?.normal(siteSet, 'RolloutProgressing', msg);
    log.info('updating sites', { revision: plan.rollout.revision, wave, sites: plan.start });
  }
  const extra = applies.map((d) => d.name).filter((n) => !plan.start.includes(n));
  if (extra.length) log.info('restoring or adopting sites', { sites: extra });
  for (const n of sync.delete)
    ev?.normal(siteSet, 'SiteDeleted', `Site ${n} is no longer generated (prune: true): deleted`);
  for (const n of sync.release)
    ev?.normal(siteSet, 'SiteReleased', `Site ${n} is no longer generated (prune: false): kept, no longer owned`);
  if (sync.delete.length || sync.release.length) log.info('pruning', { deleted: sync.delete, released: sync.release });
  if (sync.kept.length) log.warn('generators incomplete: nothing deleted', { kept: sync.kept });
  if (plan.stalled && previous?.rollout?.state !== 'Stalled') {
    ev?.warning(siteSet, 'RolloutStalled', plan.stalled);
    log.warn('rollout stalled', { revision: plan.rollout.revision, failing: plan.failing });
  }
  if (plan.rollout.state === 'Completed' && previous?.rollout?.state !== 'Completed') {
    ev?.normal(
      siteSet,
      'RolloutCompleted',
      `revision ${plan.rollout.revision}: ${plan.counts.ready}/${plan.counts.total} Sites Ready`,
    );
    log.info('rollout completed', { revision: plan.rollout.revision, sites: plan.counts.total });
  }
  for (const e of writeErrors) log.warn('writing a Site failed', { name: e.name, error: e.message });
}

const list = (names: string[]) =>
  names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');

function errorText(e: unknown): string {
  const body = (e as { body?: unknown }).body;
  if (body) {
    try {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      /* not JSON */
    }
  }
  return e instanceof Error ? e.message : String(e);
}

async function pool(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}
