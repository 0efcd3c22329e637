// The first half of the site pipeline: source → envelopes → render. What `slipway render` needs
// and no more: no schema engine, chart source or plan code is loaded with it (pipeline/site.ts
// adds validation and planning).

import type { RenderedDocument } from '../documents/types.js';
import { Problems } from '../problems/index.js';
import { type RenderCompat, render } from '../render/index.js';
import { type LoadOptions, loadSource, type SiteSource } from '../source/load.js';
import { checkEnvelopes } from '../validate/envelope.js';

export interface RenderedSite {
  source: SiteSource;
  documents: RenderedDocument[];
  problems: Problems;
}

export interface SiteOptions extends LoadOptions {
  /** `deckhand`: render exactly as Deckhand did (render/options.ts). */
  compat?: RenderCompat | undefined;
}

export async function renderSite(paths: string[], options: SiteOptions): Promise<RenderedSite> {
  const problems = new Problems();
  const source = await loadSource(paths, options, problems);
  const valid = checkEnvelopes(source.documents, problems);
  const documents = problems.hasErrors ? [] : render(valid, problems, { compat: options.compat });
  return { source, documents, problems };
}
