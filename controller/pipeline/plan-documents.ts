// The pipeline from parsed documents to a workflow, shared by the CLI and the operator:
// envelopes → render →
// validate → chart sources (fetched into the cache) → plan, with the same stage functions. Says which stage failed, if one did.

import type { RenderedDocument, SourceDocument } from '../documents/types.js';
import { chartsToFetch, includesPart, type PlanPart, planWorkflow, type Workflow } from '../plan/index.js';
import type { Problems } from '../problems/index.js';
import { type RenderCompat, render } from '../render/index.js';
import { type ChartSourceOptions, fetchChartSources } from '../source/chart-sources.js';
import { checkEnvelopes, validateDocuments } from '../validate/index.js';

/** The rendered documents (empty when rendering failed) and the workflow, or which stage failed. */
export type PlanOutcome = { documents: RenderedDocument[] } & (
  | { workflow: Workflow }
  | { failed: 'render' | 'validate' | 'source' | 'plan' }
);

export interface PlanDocumentsOptions {
  root: string;
  site?: string | undefined;
  /** No chart may lie outside it (default: the git work tree of `root`, else the folder holding `root`). */
  repository?: string | undefined;
  /** How chart sources are fetched (cache, mirror rewrites, offline). */
  sources?: ChartSourceOptions | undefined;
  /** `deckhand`: render exactly as Deckhand did (render/options.ts). */
  compat?: RenderCompat | undefined;
  /** Plan one part of the site only (plan/parts.ts): with `nodes`, no chart source is fetched. */
  only?: PlanPart | undefined;
}

export async function planDocuments(
  documents: SourceDocument[],
  options: PlanDocumentsOptions,
  problems: Problems,
): Promise<PlanOutcome> {
  if (problems.hasErrors) return { documents: [], failed: 'render' };
  const valid = checkEnvelopes(documents, problems);
  if (problems.hasErrors) return { documents: [], failed: 'render' };
  const rendered = render(valid, problems, { compat: options.compat });
  if (problems.hasErrors) return { documents: [], failed: 'render' };
  validateDocuments(rendered, problems);
  if (problems.hasErrors) return { documents: rendered, failed: 'validate' };
  const sources = {
    ...options.sources,
    ...(options.repository !== undefined ? { repository: options.repository } : {}),
  };
  const wanted = includesPart(options.only, 'releases') ? chartsToFetch(rendered, problems) : [];
  const charts = await fetchChartSources(wanted, options.root, sources, problems);
  if (problems.hasErrors) return { documents: rendered, failed: 'source' };
  const workflow = planWorkflow(
    {
      documents: rendered,
      root: options.root,
      charts,
      ...(options.site ? { site: options.site } : {}),
      ...(options.only ? { only: options.only } : {}),
    },
    problems,
  );
  return problems.hasErrors ? { documents: rendered, failed: 'plan' } : { documents: rendered, workflow };
}
