// The pipeline from parsed documents to a workflow, shared by the CLI and the operator:
// envelopes → render →
// validate → plan, with the same stage functions. Says which stage failed, if one did.

import type { RenderedDocument, SourceDocument } from "../documents/types.js";
import { chartsToDigest, planWorkflow, type Workflow } from "../plan/index.js";
import type { Problems } from "../problems/index.js";
import { render } from "../render/index.js";
import { chartDigests } from "../source/index.js";
import { containedPaths } from "../source/contained-paths.js";
import { checkEnvelopes, validateDocuments } from "../validate/index.js";

/** The rendered documents (empty when rendering failed) and the workflow, or which stage failed. */
export type PlanOutcome = { documents: RenderedDocument[] } & ({ workflow: Workflow } | { failed: "render" | "validate" | "plan" });

export async function planDocuments(documents: SourceDocument[], options: { root: string; site?: string | undefined; /** No chart may lie outside it (default: the git work tree of `root`, else `root`). */ repository?: string | undefined }, problems: Problems): Promise<PlanOutcome> {
  if (problems.hasErrors) return { documents: [], failed: "render" };
  const valid = checkEnvelopes(documents, problems);
  if (problems.hasErrors) return { documents: [], failed: "render" };
  const rendered = render(valid, problems);
  if (problems.hasErrors) return { documents: [], failed: "render" };
  validateDocuments(rendered, problems);
  if (problems.hasErrors) return { documents: rendered, failed: "validate" };
  const { inside, outside } = await containedPaths(options.root, chartsToDigest({ documents: rendered, root: options.root }), options.repository);
  const digests = await chartDigests(inside);
  const workflow = planWorkflow({ documents: rendered, root: options.root, chartDigests: digests, outsideRepository: outside, ...(options.site ? { site: options.site } : {}) }, problems);
  return problems.hasErrors ? { documents: rendered, failed: "plan" } : { documents: rendered, workflow };
}
