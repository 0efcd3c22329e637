// Deletion with deletionPolicy Delete: what the last applied revision planned is removed,
// releases first (the last chart group first), then the bare-metal nodes. Both removals are
// idempotent (helm uninstall --ignore-not-found; an absent Ironic node is done), so a
// controller killed half-way simply does it again.

import { planDocuments } from '../../pipeline/plan-documents.js';
import type { Workflow } from '../../plan/types.js';
import type { SecretSource } from '../../render/secret-scrub.js';
import type { Site } from '../api/types.js';
import type { Logger } from '../runtime/log.js';
import { commitOf } from '../source/revision.js';
import type { WorkflowStatus } from './progress.js';
import type { ReconcileDeps } from './types.js';

export interface DeletionTargets {
  /** Releases per phase, last phase first. */
  releases: { name: string; namespace: string }[][];
  nodes: string[];
}

/** The releases and nodes of a planned workflow and of the step ids recorded in status. Pure. */
export function deletionTargets(workflow: Workflow | undefined, recorded: WorkflowStatus | undefined): DeletionTargets {
  const seen = new Set<string>();
  const phases: { name: string; namespace: string }[][] = [];
  const nodes: string[] = [];
  const addRelease = (list: { name: string; namespace: string }[], namespace: string, name: string) => {
    if (seen.has(`r:${namespace}/${name}`)) return;
    seen.add(`r:${namespace}/${name}`);
    list.push({ name, namespace });
  };
  const addNode = (name: string) => {
    if (!seen.has(`n:${name}`)) nodes.push(name);
    seen.add(`n:${name}`);
  };
  for (const phase of workflow?.phases ?? []) {
    const list: { name: string; namespace: string }[] = [];
    for (const s of phase.steps)
      if (s.kind === 'release') addRelease(list, s.spec.namespace, s.spec.name);
      else addNode(s.spec.name);
    phases.push(list);
  }
  for (const phase of recorded?.phases ?? []) {
    const list: { name: string; namespace: string }[] = [];
    for (const s of phase.steps) {
      const r = /^release\/([^/]+)\/(.+)$/.exec(s.id);
      const n = /^node\/(.+)$/.exec(s.id);
      if (r) addRelease(list, r[1]!, r[2]!);
      else if (n) addNode(n[1]!);
    }
    phases.push(list);
  }
  return { releases: phases.filter((p) => p.length > 0).reverse(), nodes };
}

/** The workflow of the last applied (else attempted) revision, or undefined when it cannot be planned. */
export async function lastAppliedWorkflow(
  deps: ReconcileDeps,
  site: Site,
  log: Logger,
  onDocuments: (docs: Iterable<SecretSource>) => void = () => undefined,
): Promise<Workflow | undefined> {
  const revision = site.status?.lastAppliedRevision ?? site.status?.lastAttemptedRevision;
  const commit = commitOf(revision);
  try {
    const fetched = await deps.fetchSource(site, commit ? { commit } : {});
    onDocuments(fetched.documents);
    const problems = fetched.problems;
    const planned = await planDocuments(
      fetched.documents,
      {
        root: fetched.root,
        repository: fetched.repository,
        site: fetched.site,
        sources: { rewrites: site.spec.sourceRewrites ?? [] },
        compat: site.spec.render?.compat,
      },
      problems,
    );
    onDocuments(planned.documents);
    if ('workflow' in planned) return planned.workflow;
    log.warn('the last applied revision no longer plans; deleting what status recorded', {
      problems: problems.errors.length,
    });
  } catch (e) {
    log.warn('cannot fetch the last applied revision; deleting what status recorded', { error: e });
  }
  return undefined;
}

export interface DeletionResult {
  ok: boolean;
  failures: string[];
  releases: number;
  nodes: number;
}

export async function removeTargets(
  deps: ReconcileDeps,
  site: Site,
  targets: DeletionTargets,
  log: Logger,
): Promise<DeletionResult> {
  const drivers = await deps.drivers(site);
  const failures: string[] = [];
  try {
    for (const phase of targets.releases) {
      await Promise.all(
        phase.map(async (r) => {
          const res = await drivers.helm.uninstall(r.name, r.namespace, 600);
          if (res.ok) log.info('release uninstalled', { release: `${r.namespace}/${r.name}` });
          else failures.push(`helm uninstall ${r.namespace}/${r.name}: ${res.message}`);
        }),
      );
      if (failures.length) break; // keep the earlier groups while a later one is still there
    }
    if (failures.length === 0 && targets.nodes.length) {
      await Promise.all(
        targets.nodes.map(async (n) => {
          const res = await drivers.ironic.remove(n);
          if (res.kind === 'complete') log.info('node deprovisioned and removed', { node: n });
          else failures.push(`node ${n}: ${res.message}`);
        }),
      );
    }
  } finally {
    await drivers.release?.();
  }
  return { ok: failures.length === 0, failures, releases: targets.releases.flat().length, nodes: targets.nodes.length };
}
