// The document half of the pipeline, shared by every command and the benchmarks: source →
// envelopes → render (render-site.ts) → validate → plan. Each step is a stage's entry function;
// this file only chains them.

import { checkPlan, type PlanPart, type Workflow } from '../plan/index.js';
import { Problems } from '../problems/index.js';
import type { ChartSourceOptions } from '../source/chart-sources.js';
import { loadSource } from '../source/load.js';
import { validateDocuments } from '../validate/index.js';
import { planDocuments } from './plan-documents.js';
import { type RenderedSite, renderSite, type SiteOptions } from './render-site.js';

export { type RenderedSite, renderSite, type SiteOptions } from './render-site.js';

export interface PlannedSite extends RenderedSite {
  workflow?: Workflow;
}

/** Render, then the schemas, then plan's checks of the documents (plan/index.ts checkPlan; no chart is fetched). */
export async function validateSite(paths: string[], options: SiteOptions): Promise<RenderedSite> {
  const site = await renderSite(paths, options);
  if (!site.problems.hasErrors) validateDocuments(site.documents, site.problems);
  if (!site.problems.hasErrors) checkPlan(site.documents, site.problems, site.source.site?.name);
  return site;
}

/** Render, validate and plan; `workflow` is absent when any of them found an error. */
export async function planSite(
  paths: string[],
  options: SiteOptions & { sources?: ChartSourceOptions; only?: PlanPart | undefined },
): Promise<PlannedSite> {
  const problems = new Problems();
  const source = await loadSource(paths, options, problems);
  const outcome = await planDocuments(
    source.documents,
    {
      root: source.root,
      site: source.site?.name,
      sources: options.sources,
      compat: options.compat,
      only: options.only,
    },
    problems,
  );
  return 'workflow' in outcome
    ? { source, documents: outcome.documents, problems, workflow: outcome.workflow }
    : { source, documents: outcome.documents, problems };
}
