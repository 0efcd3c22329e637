// P005: what Deckhand would reject when Pegleg renders a site: documents that are not valid
// envelopes (for every file), and, for every site in scope, rendering problems and schema
// validation errors of the rendered documents. The original Deckhand error name leads the
// message.
import { DATA_SCHEMA } from '../../documents/types.js';
import { formatProblem, type Problem, Problems } from '../../problems/index.js';
import { render } from '../../render/index.js';
import { checkEnvelopes, validateDocuments } from '../../validate/index.js';
import { type LintRepo, type Rule, siteFiles } from '../model.js';
import { DUPLICATE_KEY_PROBLEM } from './duplicate-keys.js';

export const deckhandRejects: Rule = {
  code: 'P005',
  description: 'Deckhand rendering exception',
  check: (repo) => {
    const found = [
      ...envelopeProblems(repo),
      ...repo.sites.flatMap((site) => (site.exists && site.siteType ? siteProblems(repo, site) : [])),
    ];
    const seen = new Set<string>();
    const out: Problem[] = [];
    for (const p of found) {
      if (p.code === 'DuplicateDocumentExists' && p.document?.schema === DATA_SCHEMA) continue; // P004 says it
      const line = formatProblem(p); // a global document's problem shows up once per site
      if (seen.has(line)) continue;
      seen.add(line);
      out.push({ ...p, code: 'P005', message: `${p.code}: ${p.message}` });
    }
    return out;
  },
};

function envelopeProblems(repo: LintRepo): Problem[] {
  const problems = new Problems();
  for (const f of repo.files) {
    problems.addAll(f.parseProblems.filter((p) => p.code !== 'InvalidYAML' && p.code !== DUPLICATE_KEY_PROBLEM)); // P007 and S003 report those
    checkEnvelopes(f.documents, problems);
  }
  return problems.items;
}

function siteProblems(repo: LintRepo, site: LintRepo['sites'][number]): Problem[] {
  const documents = siteFiles(repo, site).flatMap((f) => f.documents);
  const valid = checkEnvelopes(documents, new Problems()); // already reported per file
  const problems = new Problems();
  const rendered = render(valid, problems);
  validateDocuments(rendered, problems);
  return problems.items.filter((p) => p.code !== 'UnresolvedPlaceholder'); // S001 reports those, at the node itself
}
