// reconcileSite: one pass over one Site. The deciding is done by the pure functions beside
// this file (conditions, progress, history, deletion targets); this shell only fetches,
// runs the pipeline's stages, calls the drivers and writes status, events and logs.
//
//   deleted?   → per deletionPolicy (Delete: uninstall + deprovision), then drop the finalizer
//   suspended? → nothing at all
//   finalizer  → added first
//   fetch → render → validate → plan → observe → diff → execute → status
//   any input error (fetch, render, validation, empty render) → Stalled, nothing touched
// Every log line, event and status write of the pass goes through redaction.ts: no secret
// value (of the documents or of a Secret the Site references) is ever output.

import { DEFAULT_DRIFT_DETECTION, diffWorkflow } from '../../diff/index.js';
import type { SiteDiff } from '../../diff/types.js';
import { executeWorkflow, type StepEvent, type WaitingNode } from '../../execute/index.js';
import { observeSite } from '../../pipeline/observe-site.js';
import { planDocuments } from '../../pipeline/plan-documents.js';
import type { Workflow } from '../../plan/types.js';
import { formatProblem, type Problems } from '../../problems/index.js';
import { FINALIZER, REQUESTED_AT, type Site, type SiteStatus } from '../api/types.js';
import type { Logger } from '../runtime/log.js';
import { GIT_TRUST_FAILURES } from '../source/git-errors.js';
import { condition, nextConditions, type Outcome } from './conditions.js';
import { deletionTargets, lastAppliedWorkflow, removeTargets } from './delete.js';
import { driftEvents } from './drift-events.js';
import { gateDrivers } from './driver-gate.js';
import { parseDuration } from './duration.js';
import { historyEntry, pushHistory } from './history.js';
import { nodeDriftEvents, withNodeDrift } from './node-drift.js';
import {
  applyStepEvent,
  completedSteps,
  firstFailure,
  readyCounts,
  runningOperations,
  startWorkflowStatus,
  stepState,
} from './progress.js';
import { type Redaction, redactOutputs } from './redaction.js';
import { withRecordedRevisions, withRevisions } from './revisions.js';
import { workflowSecretValues } from './secrets.js';
import { StatusWriter } from './status-writer.js';
import type { ReconcileDeps, ReconcileResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** A Site waiting on Ironic is looked at again after at least this long (each look re-renders the site). */
const MIN_NODE_REQUEUE_MS = 1_000;
const DEFAULT_GIT_INTERVAL_MS = 5 * 60_000;
const MAX_PROBLEMS = 10;

export async function reconcileSite(deps: ReconcileDeps, key: string): Promise<ReconcileResult> {
  const redaction = redactOutputs(deps);
  try {
    const result = await reconcileOnce(redaction, key);
    return result.kind === 'retry' ? { kind: 'retry', error: redaction.scrubError(result.error) } : result;
  } catch (e) {
    throw redaction.scrubError(e);
  }
}

async function reconcileOnce(redaction: Redaction, key: string): Promise<ReconcileResult> {
  const deps = redaction.deps;
  const slash = key.indexOf('/');
  const [namespace, name] = slash < 0 ? ['default', key] : [key.slice(0, slash), key.slice(slash + 1)];
  let site = await deps.sites.get(namespace, name);
  if (!site) return { kind: 'done' };
  await redaction.learnSiteSecrets(site);
  const log = deps.log.child({ site: key });
  if (site.metadata.deletionTimestamp) return finalize(deps, site, log, redaction);
  if (site.spec.suspend) {
    log.debug('suspended: nothing to do');
    return { kind: 'done' };
  }
  if (!site.metadata.finalizers?.includes(FINALIZER)) {
    site = await deps.sites.setFinalizers(site, [...(site.metadata.finalizers ?? []), FINALIZER]);
  }
  return applySite(deps, site, log, redaction);
}

async function finalize(deps: ReconcileDeps, site: Site, log: Logger, redaction: Redaction): Promise<ReconcileResult> {
  if (!site.metadata.finalizers?.includes(FINALIZER)) return { kind: 'done' };
  if (site.spec.deletionPolicy === 'Delete') {
    const writer = new StatusWriter(site, deps.sites, deps.clock, log, 0, stamped(deps));
    const workflow = await lastAppliedWorkflow(deps, site, log, (docs) => redaction.learnDocuments(docs));
    redaction.learnValues(workflowSecretValues(workflow));
    const targets = deletionTargets(workflow, site.status?.workflow);
    const what = `uninstalling ${targets.releases.flat().length} release(s) and removing ${targets.nodes.length} node(s)`;
    await setOutcome(deps, site, writer, { kind: 'deleting', message: what }, true).catch(() => undefined);
    deps.events.event(site, 'Normal', 'Deleting', what);
    log.info("deleting the site's releases and nodes", {
      releases: targets.releases.flat().length,
      nodes: targets.nodes.length,
    });
    const result = await removeTargets(deps, site, targets, log);
    if (!result.ok) {
      const message = `deletion failed: ${result.failures.join('; ')}`;
      deps.events.event(site, 'Warning', 'DeletionFailed', message);
      await setOutcome(deps, site, writer, { kind: 'failed', reason: 'DeletionFailed', message }, true).catch(
        () => undefined,
      );
      return { kind: 'retry', error: new Error(message) };
    }
    deps.events.event(
      site,
      'Normal',
      'Deleted',
      `${result.releases} release(s) uninstalled, ${result.nodes} node(s) removed`,
    );
  }
  await deps.sites.setFinalizers(
    site,
    (site.metadata.finalizers ?? []).filter((f) => f !== FINALIZER),
  );
  log.info('finalizer removed', { deletionPolicy: site.spec.deletionPolicy ?? 'Orphan' });
  return { kind: 'done' };
}

async function applySite(
  deps: ReconcileDeps,
  site: Site,
  baseLog: Logger,
  redaction: Redaction,
): Promise<ReconcileResult> {
  const now = () => new Date(deps.clock.now());
  const writer = new StatusWriter(site, deps.sites, deps.clock, baseLog, deps.statusThrottleMs ?? 500, stamped(deps));

  // 1. source
  let fetched;
  try {
    fetched = await deps.fetchSource(site);
  } catch (e) {
    // Refused credentials and an untrusted server are named (GitAuthFailed, GitTLSUntrusted, …): a person must act.
    const code = (e as { code?: string }).code ?? '';
    const named = GIT_TRUST_FAILURES.has(code) ? `${code}: ` : '';
    return stall(
      deps,
      site,
      writer,
      baseLog,
      'FetchFailed',
      `fetching the source failed: ${named}${(e as Error).message}`,
    );
  }
  redaction.learnDocuments(fetched.documents);
  const revision = fetched.revision;
  const log = baseLog.child({ revision });

  // 2. render → validate → plan
  const planned = await planDocuments(
    fetched.documents,
    {
      root: fetched.root,
      repository: fetched.repository,
      site: fetched.site,
      sources: { rewrites: site.spec.sourceRewrites ?? [] },
      compat: site.spec.render?.compat,
    },
    fetched.problems,
  );
  redaction.learnDocuments(planned.documents);
  if ('workflow' in planned) redaction.learnValues(workflowSecretValues(planned.workflow));
  if (!('workflow' in planned)) {
    const reason =
      planned.failed === 'validate'
        ? 'ValidationFailed'
        : planned.failed === 'plan'
          ? 'PlanFailed'
          : planned.failed === 'source'
            ? 'ChartSourceUnavailable'
            : 'RenderFailed';
    return stall(deps, site, writer, log, reason, problemText(fetched.problems), revision);
  }
  const workflow = planned.workflow;
  await redaction.learnNodeSecrets(site, workflow);
  const steps = workflow.phases.flatMap((p) => p.steps);
  if (steps.length === 0) {
    return stall(
      deps,
      site,
      writer,
      log,
      'EmptyRender',
      `revision ${revision} renders no bare-metal node and no release; nothing was changed`,
      revision,
    );
  }

  // 3. observe → diff
  const drivers = await deps.drivers(site).catch((e: Error) => e);
  if (drivers instanceof Error) return stall(deps, site, writer, log, 'TargetUnavailable', drivers.message, revision);
  try {
    const prune = site.spec.prune === true;
    const driftDetection = site.spec.driftDetection ?? DEFAULT_DRIFT_DETECTION;
    let observed;
    try {
      observed = withRecordedRevisions(await observeSite(workflow, drivers, { prune, driftDetection }), site.status);
    } catch (e) {
      const message = `cannot observe the current state, nothing was changed: ${(e as Error).message}`;
      await setOutcome(deps, site, writer, { kind: 'failed', reason: 'ObserveFailed', message }, true, {
        lastAttemptedRevision: revision,
      });
      log.warn('observe failed', { error: e });
      return { kind: 'retry', error: new Error(message) };
    }
    const diff = diffWorkflow(workflow, observed, now(), { driftDetection });
    // warn: drift is reported, never repaired (a repair is reported when it ran, below)
    for (const e of [...driftEvents(diff, 'found'), ...nodeDriftEvents(diff, 'found')])
      deps.events.event(site, 'Warning', 'Drifted', e);
    const completed = completedSteps(site.status, workflow);
    const pending = steps.filter((s) => !completed.has(s.id) && diff.decisions.get(s.id)?.action !== 'none').length;
    const pruneWork = prune ? diff.prune.length : 0;
    const recorded = site.status?.workflow;
    const upToDate =
      pending === 0 &&
      pruneWork === 0 &&
      recorded?.digest === workflow.digest &&
      recorded.phases.flatMap((p) => p.steps).every((s) => s.state === 'Succeeded' || s.state === 'Unchanged');

    // 4. nothing to do: status says so (and is written only if it did not already)
    if (upToDate) {
      const wf = recorded ? withNodeDrift(withRevisions(recorded, observed.releases), diff) : recorded;
      const status = finalStatus(site, writer.status, workflow, revision, wf, true, now(), now());
      await writer.update(status, true);
      await writer.flush();
      log.debug('up to date', { steps: steps.length });
      return { kind: 'done', requeueAfterMs: requeueAfter(deps, site) };
    }

    // 5. execute, recording progress as it goes
    return await execute(
      deps,
      site,
      writer,
      log,
      workflow,
      revision,
      diff,
      completed,
      drivers,
      pending + pruneWork,
      redaction.scrub,
    );
  } finally {
    await drivers.release?.();
  }
}

async function execute(
  deps: ReconcileDeps,
  site: Site,
  writer: StatusWriter,
  log: Logger,
  workflow: Workflow,
  revision: string,
  diff: SiteDiff,
  completed: Set<string>,
  drivers: Awaited<ReturnType<ReconcileDeps['drivers']>>,
  work: number,
  scrub: (text: string) => string,
): Promise<ReconcileResult> {
  const now = () => new Date(deps.clock.now());
  const generation = site.metadata.generation;
  const started = now();
  const total = workflow.phases.reduce((n, p) => n + p.steps.length, 0);
  const digests = new Map(workflow.phases.flatMap((p) => p.steps.map((s) => [s.id, s.digest] as const)));
  // Node operations an earlier reconcile left running in Ironic: their next pass, not a new start.
  const carries = runningOperations(site.status?.workflow, workflow);
  let wf = startWorkflowStatus(workflow, revision, site.status?.workflow, completed, new Set(carries.keys()));
  wf = withNodeDrift(wf, diff);
  const message = `applying revision ${revision}: ${work} of ${total} steps have work${completed.size ? ` (${completed.size} finished in an earlier run)` : ''}`;
  const conditions = nextConditions(writer.status.conditions, { kind: 'progressing', message }, generation, started);
  const base: SiteStatus = {
    ...writer.status,
    conditions,
    lastAttemptedRevision: revision,
    renderedDigest: workflow.digest,
    workflow: wf,
    ...readyCounts(wf, workflow),
  };
  if (generation !== undefined) base.observedGeneration = generation;
  void writer.update(base);
  // A reconcile that only carries on node operations already running says nothing new.
  if (carries.size === 0) deps.events.event(site, 'Normal', 'Progressing', message);
  log.info('applying', { work, steps: total, completed: completed.size, resumed: carries.size });

  const onEvent = (e: StepEvent) => {
    wf = applyStepEvent(wf, e, now(), digests, completed, scrub);
    void writer.update({ ...writer.status, workflow: wf, ...readyCounts(wf, workflow) }, e.type === 'finish');
    reportStep(deps, site, log, e, completed, scrub);
    if (e.type === 'finish' && e.result.outcome === 'changed') {
      const d = diff.decisions.get(e.result.stepId);
      if (d?.kind === 'release' && d.action === 'repair')
        for (const text of driftEvents({ decisions: new Map([[d.stepId, d]]) }, 'repaired'))
          deps.events.event(site, 'Normal', 'Drifted', scrub(text));
      if (d?.kind === 'node')
        for (const text of nodeDriftEvents({ decisions: new Map([[d.stepId, d]]) }, 'repaired'))
          deps.events.event(site, 'Normal', 'Drifted', scrub(text));
    }
  };
  const timeout = parseDuration(site.spec.timeout) ?? DEFAULT_TIMEOUT_MS;
  const helmTime = deps.metrics?.helmCallDuration;
  const gated = gateDrivers(drivers, {
    deadline: started.getTime() + timeout,
    now: () => deps.clock.now(),
    ...(deps.shutdown ? { signal: deps.shutdown } : {}),
    ...(helmTime ? { onHelmResult: (r) => helmTime.observe({ action: r.action }, r.durationMs / 1000) } : {}),
  });
  let ok: boolean;
  let waiting: WaitingNode[] = [];
  try {
    const result = await executeWorkflow(workflow, diff, gated, {
      onEvent,
      completed,
      prune: site.spec.prune === true,
      ...(site.spec.concurrency ? { concurrency: site.spec.concurrency } : {}),
      // A node Ironic is still working on ends this reconcile with a requeue: the worker is free meanwhile.
      nodeWaits: 'return',
      carries,
      ...(deps.shutdown ? { signal: deps.shutdown } : {}),
    });
    ok = result.ok;
    waiting = result.waiting;
  } catch (e) {
    log.error('execute failed', { error: e });
    ok = false;
  }
  // The Helm revision of every release as the run left it, recorded in status.
  const namespaces = [
    ...new Set(
      workflow.phases.flatMap((p) => p.steps.flatMap((s) => (s.kind === 'release' ? [s.spec.namespace] : []))),
    ),
  ];
  if (namespaces.length) {
    try {
      wf = withRevisions(wf, await drivers.helm.list(namespaces));
    } catch (e) {
      log.warn('observing the revisions after the apply failed', { error: e });
    }
  }
  // The drivers are done: remove the per-Site target kubeconfig before status says so (the
  // caller's `finally` releases again on every other path; releasing twice is harmless).
  await drivers.release?.();
  if (ok && waiting.length > 0) return requeueWaiting(deps, site, writer, log, workflow, revision, wf, waiting);
  const finished = now();
  const status = finalStatus(site, writer.status, workflow, revision, wf, ok, started, finished);
  await writer.update(status, true);
  await writer.flush();
  const duration = (finished.getTime() - started.getTime()) / 1000;
  if (ok) {
    deps.events.event(site, 'Normal', 'Succeeded', `applied revision ${revision} in ${duration.toFixed(1)}s`);
    log.info('applied', { durationSeconds: duration });
    return { kind: 'done', requeueAfterMs: requeueAfter(deps, site) };
  }
  const failure = scrub(firstFailure(wf) ?? 'the apply did not finish');
  deps.events.event(site, 'Warning', 'ApplyFailed', failure);
  log.warn('apply failed', { durationSeconds: duration, message: failure });
  return { kind: 'retry', error: new Error(failure) };
}

/**
 * Every step that could run has run, and Ironic is still working on some nodes: status says
 * Progressing (never Ready), and the Site comes back when the soonest node is due another look.
 */
async function requeueWaiting(
  deps: ReconcileDeps,
  site: Site,
  writer: StatusWriter,
  log: Logger,
  workflow: Workflow,
  revision: string,
  wf: NonNullable<SiteStatus['workflow']>,
  waiting: WaitingNode[],
): Promise<ReconcileResult> {
  const afterMs = Math.max(MIN_NODE_REQUEUE_MS, Math.min(...waiting.map((w) => w.afterMs)));
  const message = `applying revision ${revision}: waiting for ${waiting.length} node(s) in Ironic (${waiting
    .slice(0, 3)
    .map((w) => `${w.stepId}: ${w.reason}`)
    .join('; ')}${waiting.length > 3 ? '; ...' : ''})`;
  const status: SiteStatus = {
    ...writer.status,
    conditions: nextConditions(
      writer.status.conditions,
      { kind: 'progressing', message },
      site.metadata.generation,
      new Date(deps.clock.now()),
    ),
    workflow: wf,
    ...readyCounts(wf, workflow),
  };
  await writer.update(status, true);
  await writer.flush();
  log.info('waiting for nodes', { nodes: waiting.length, requeueAfterMs: afterMs });
  return { kind: 'done', requeueAfterMs: afterMs };
}

/** The status after a run (or a pass with nothing to do): conditions, revisions, counts, history. */
function finalStatus(
  site: Site,
  current: SiteStatus,
  workflow: Workflow,
  revision: string,
  wf: SiteStatus['workflow'],
  ok: boolean,
  started: Date,
  finished: Date,
): SiteStatus {
  const generation = site.metadata.generation;
  const failure = wf ? firstFailure(wf) : undefined;
  const outcome: Outcome = ok
    ? { kind: 'ready', message: `Applied revision ${revision}` }
    : { kind: 'failed', reason: 'ApplyFailed', message: failure ?? 'the apply did not finish' };
  const status: SiteStatus = {
    ...current,
    conditions: nextConditions(current.conditions, outcome, generation, finished),
    lastAttemptedRevision: revision,
    renderedDigest: workflow.digest,
  };
  if (generation !== undefined) status.observedGeneration = generation;
  if (wf) Object.assign(status, { workflow: wf }, readyCounts(wf, workflow));
  if (ok) status.lastAppliedRevision = revision;
  const requested = site.metadata.annotations?.[REQUESTED_AT];
  if (requested) status.lastHandledReconcileAt = requested;
  const last = current.history?.[0];
  const same =
    last && last.revision === revision && last.digest === workflow.digest && last.result === 'Succeeded' && ok;
  if (!same)
    status.history = pushHistory(current.history, historyEntry(revision, workflow.digest, started, finished, ok));
  return status;
}

function reportStep(
  deps: ReconcileDeps,
  site: Site,
  log: Logger,
  e: StepEvent,
  completed: ReadonlySet<string>,
  scrub: (s: string) => string,
): void {
  if (e.type === 'progress') {
    if (log.enabled('debug')) log.debug('step progress', { step: e.stepId, message: scrub(e.message) });
    return;
  }
  if (e.type === 'requeue') {
    if (log.enabled('debug'))
      log.debug('node step requeued', { step: e.stepId, afterMs: e.afterMs, reason: scrub(e.reason) });
    return;
  }
  if (e.type === 'start') {
    deps.events.event(site, 'Normal', 'StepStarted', `${e.stepId}: ${e.action}`);
    log.info('step started', { step: e.stepId, action: e.action });
    return;
  }
  const r = e.result;
  if (completed.has(r.stepId) || r.outcome === 'waiting') return;
  deps.metrics?.steps.inc({ state: stepState(r.outcome) });
  if (r.outcome === 'unchanged') return;
  const msg = scrub(r.message);
  if (r.outcome === 'failed') {
    deps.events.event(site, 'Warning', 'StepFailed', `${r.stepId}: ${msg}`);
    log.warn('step failed', { step: r.stepId, message: msg, durationMs: Math.round(r.durationMs) });
  } else if (r.outcome === 'skipped') {
    log.info('step skipped', { step: r.stepId, message: msg });
  } else {
    deps.events.event(site, 'Normal', 'StepSucceeded', `${r.stepId}: ${msg}`);
    log.info('step succeeded', { step: r.stepId, outcome: r.outcome, durationMs: Math.round(r.durationMs) });
  }
}

/** Stalled: the input must change. Nothing was touched; the queue retries with backoff. */
async function stall(
  deps: ReconcileDeps,
  site: Site,
  writer: StatusWriter,
  log: Logger,
  reason: string,
  message: string,
  revision?: string,
): Promise<ReconcileResult> {
  const before = condition(site.status?.conditions, 'Stalled');
  await setOutcome(
    deps,
    site,
    writer,
    { kind: 'stalled', reason, message },
    true,
    revision ? { lastAttemptedRevision: revision } : {},
  );
  if (
    !(
      before?.status === 'True' &&
      before.reason === reason &&
      before.message === condition(writer.status.conditions, 'Stalled')?.message
    )
  ) {
    deps.events.event(site, 'Warning', reason, message);
  }
  log.warn('stalled', { reason, message });
  return { kind: 'retry', error: new Error(`${reason}: ${message}`) };
}

async function setOutcome(
  deps: ReconcileDeps,
  site: Site,
  writer: StatusWriter,
  outcome: Outcome,
  flush: boolean,
  extra: Partial<SiteStatus> = {},
): Promise<void> {
  const generation = site.metadata.generation;
  const status: SiteStatus = {
    ...writer.status,
    ...extra,
    conditions: nextConditions(writer.status.conditions, outcome, generation, new Date(deps.clock.now())),
  };
  if (generation !== undefined) status.observedGeneration = generation;
  await writer.update(status, flush);
  if (flush) await writer.flush();
}

function problemText(problems: Problems): string {
  const errors = problems.errors;
  const shown = errors.slice(0, MAX_PROBLEMS).map(formatProblem);
  return errors.length > MAX_PROBLEMS
    ? `${shown.join('\n')}\n(and ${errors.length - MAX_PROBLEMS} more)`
    : shown.join('\n');
}

function requeueAfter(deps: ReconcileDeps, site: Site): number {
  const git = site.spec.source.git;
  if (git) return parseDuration(git.interval) ?? DEFAULT_GIT_INTERVAL_MS;
  return deps.driftIntervalMs ?? 10 * 60_000;
}

/** What every status write of this controller carries: `drivers: fake` when the fakes stand in. */
function stamped(deps: ReconcileDeps): Partial<SiteStatus> {
  return deps.fakeDrivers ? { drivers: 'fake' } : {};
}
