// plan: rendered documents → one workflow DAG. Pure: no I/O (chart digests come in as input).
// Bare metal first, then the manifest's chart groups in order; a group starts when the
// previous one is done; a sequenced group runs its charts one after another.

import type { RenderedDocument } from '../documents/types.js';
import { Problems } from '../problems/index.js';
import type { ChartRequest } from '../source/chart-sources.js';
import { digestOf } from './digest.js';
import { DocumentIndex, obj } from './documents.js';
import { baremetalPhase } from './nodes.js';
import { includesPart } from './parts.js';
import { chartsUsed, releasePhases, selectManifest } from './releases.js';
import type { Phase, PlanInput, Workflow } from './types.js';

export { canonicalJson, digestOf } from './digest.js';
export { formatGraph, type GraphFormat } from './graph.js';
export { includesPart, PLAN_PARTS, type PlanPart } from './parts.js';
export { redactStep } from './redact.js';
export type { NodeStep, Phase, PlanInput, ReleaseStep, Step, StepOrigin, Workflow } from './types.js';

export function planWorkflow(input: PlanInput, problems: Problems): Workflow {
  const index = new DocumentIndex(input.documents);
  const phases: Phase[] = [];
  const metal = includesPart(input.only, 'nodes') ? baremetalPhase(index, problems, input.site) : undefined;
  if (metal) phases.push(metal);
  const manifest = includesPart(input.only, 'releases') ? selectManifest(index, problems) : undefined;
  if (manifest) phases.push(...releasePhases(index, manifest, input, problems));
  linkPhases(phases);
  const workflow: Workflow = { phases, digest: digestOf(phases.flatMap((p) => p.steps.map((s) => [s.id, s.digest]))) };
  if (input.site) workflow.site = input.site;
  if (input.only) workflow.only = input.only;
  if (manifest) {
    workflow.manifest = manifest.metadata.name;
    const prefix = obj(manifest.data).release_prefix;
    if (typeof prefix === 'string') workflow.releasePrefix = prefix;
  }
  return workflow;
}

/**
 * What plan would refuse about the documents themselves (release names and namespaces, BMC
 * addresses, one host per node, the manifest and its groups...), without any chart source:
 * the same planWorkflow over placeholder charts, its workflow discarded (`slipway validate`).
 */
export function checkPlan(documents: RenderedDocument[], problems: Problems, site?: string): void {
  const charts = new Map(
    chartsToFetch(documents, problems).map((c) => [c.name, { path: '', digest: '', from: '' }] as const),
  );
  planWorkflow({ documents, root: '', charts, ...(site ? { site } : {}) }, problems);
}

/** The charts a site's manifest uses (with their dependencies): what the source stage must fetch before planning. */
export function chartsToFetch(documents: RenderedDocument[], problems: Problems = new Problems()): ChartRequest[] {
  const index = new DocumentIndex(documents);
  const manifest = selectManifest(index, new Problems());
  return manifest ? chartsUsed(index, manifest, problems) : [];
}

/** Every step of a phase depends on every step of the previous non-empty phase; sequenced phases chain their steps. */
function linkPhases(phases: Phase[]): void {
  let previous: string[] = [];
  for (const phase of phases) {
    if (phase.steps.length === 0) continue;
    phase.steps.forEach((step, i) => {
      step.dependsOn = phase.sequenced && i > 0 ? [phase.steps[i - 1]!.id] : [...previous];
    });
    previous = phase.sequenced ? [phase.steps[phase.steps.length - 1]!.id] : phase.steps.map((s) => s.id);
  }
}
