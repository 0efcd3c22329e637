// P005: what Deckhand rejects before rendering (documents that are not valid envelopes).
// Rendering itself is the render stage's job; `slipway validate` reports its errors.
import { Problems } from "../../problems/index.js";
import { checkEnvelopes } from "../../validate/index.js";
import type { Rule } from "../model.js";

export const deckhandRejects: Rule = {
  code: "P005",
  description: "Deckhand rendering exception (here: documents Deckhand rejects before rendering)",
  check: (repo) => {
    const problems = new Problems();
    for (const f of repo.files) {
      problems.addAll(f.parseProblems.filter((p) => p.code !== "InvalidYAML"));
      checkEnvelopes(f.documents, problems);
    }
    return problems.items.map((p) => ({ ...p, code: "P005", message: `${p.code}: ${p.message}` }));
  },
};
