// The document half of the pipeline, shared by every command: source → envelopes → render
// (→ validate → plan). Each step is a stage's entry function; this file only chains them.

import type { RenderedDocument } from "../documents/types.js";
import { planDocuments } from "../pipeline/plan-documents.js";
import type { Workflow } from "../plan/index.js";
import { Problems } from "../problems/index.js";
import { render, type RenderCompat } from "../render/index.js";
import { loadSource, parseCacheDir, type ChartSourceOptions, type LoadOptions, type SiteSource } from "../source/index.js";
import { compatFrom } from "./compat-option.js";
import { checkEnvelopes, validateDocuments } from "../validate/index.js";
import type { CommandIO } from "./args.js";
import { secretValues } from "./secret-scrub.js";

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

/** What every command that renders a site passes on: --site, --compat, and the parse cache of the command line. */
export function siteOptions(values: { site?: unknown; compat?: unknown }): SiteOptions {
  return { site: values.site as string | undefined, compat: compatFrom(values), parseCache: parseCacheDir() };
}

export async function renderSite(paths: string[], options: SiteOptions & { validate?: boolean }): Promise<RenderedSite> {
  const problems = new Problems();
  const source = await loadSource(paths, options, problems);
  const valid = checkEnvelopes(source.documents, problems);
  const documents = problems.hasErrors ? [] : render(valid, problems, { compat: options.compat });
  if (options.validate && !problems.hasErrors) validateDocuments(documents, problems);
  return { source, documents, problems };
}

/** Render, validate and plan; `workflow` is absent when any of them found an error. */
export async function planSite(paths: string[], options: SiteOptions & { sources?: ChartSourceOptions }): Promise<PlannedSite> {
  const problems = new Problems();
  const source = await loadSource(paths, options, problems);
  const outcome = await planDocuments(source.documents, { root: source.root, site: source.site?.name, sources: options.sources, compat: options.compat }, problems);
  return "workflow" in outcome ? { source, documents: outcome.documents, problems, workflow: outcome.workflow } : { source, documents: outcome.documents, problems };
}

/** From here on, `io` prints none of the site's secret values (unless they are asked for). */
export function hideSecrets(io: CommandIO, site: RenderedSite, showSecrets = false): void {
  if (!showSecrets) io.redact?.(secretValues([...site.source.documents, ...site.documents]));
}
