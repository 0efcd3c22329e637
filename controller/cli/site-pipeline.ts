// The document half of the pipeline, shared by every command: source → envelopes → render
// (→ validate). Each step is a stage's entry function; this file only chains them.

import type { RenderedDocument } from "../documents/types.js";
import { Problems } from "../problems/index.js";
import { render } from "../render/index.js";
import { loadSource, type LoadOptions, type SiteSource } from "../source/index.js";
import { checkEnvelopes, validateDocuments } from "../validate/index.js";

export interface RenderedSite {
  source: SiteSource;
  documents: RenderedDocument[];
  problems: Problems;
}

export async function renderSite(paths: string[], options: LoadOptions & { validate?: boolean }): Promise<RenderedSite> {
  const problems = new Problems();
  const source = await loadSource(paths, options, problems);
  const valid = checkEnvelopes(source.documents, problems);
  const documents = problems.hasErrors ? [] : render(valid, problems);
  if (options.validate && !problems.hasErrors) validateDocuments(documents, problems);
  return { source, documents, problems };
}
