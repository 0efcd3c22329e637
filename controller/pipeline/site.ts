// The document half of the pipeline, shared by every command and the benchmarks: source →
// envelopes → render (→ validate → plan). Each step is a stage's entry function; this file only
// chains them.

import type { RenderedDocument } from '../documents/types.js';
import { checkPlan, type PlanPart, type Workflow } from '../plan/index.js';
import { Problems } from '../problems/index.js';
import { type RenderCompat, render } from '../render/index.js';
import { type ChartSourceOptions, type LoadOptions, loadSource, type SiteSource } from '../source/index.js';
import { checkEnvelopes, validateDocuments } from '../validate/index.js';
import { planDocuments } from './plan-documents.js';

export interface RenderedSite {
  source: SiteSource;
  documents: RenderedDocument[];
  problems: Problems;
}

export interface PlannedSite extends RenderedSite {
  workflow?: Workflow;
}

export interface SiteOptions extends LoadOptions {
  /** `deckhand`: render exactly as Deckhand did (render/options.ts). */
  compat?: RenderCompat | undefined;
}

export async function renderSite(
  paths: string[],
  /** validate: the schemas, then plan's checks of the documents (plan/index.ts checkPlan). */
  options: SiteOptions & { validate?: boolean },
): Promise<RenderedSite> {
  const problems = new Problems();
  const source = await loadSource(paths, options, problems);
  const valid = checkEnvelopes(source.documents, problems);
  const documents = problems.hasErrors ? [] : render(valid, problems, { compat: options.compat });
  if (options.validate && !problems.hasErrors) validateDocuments(documents, problems);
  // What plan would refuse about these documents, with the same checks (no chart is fetched).
  if (options.validate && !problems.hasErrors) checkPlan(documents, problems, source.site?.name);
  return { source, documents, problems };
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
