// S004, the migration report: for every site in scope, each value that Deckhand rendered
// differently from the correct rendering (its shallow-copied substitution sources and its
// delete by value), with both values and the substitution or action that causes it; or, where
// Deckhand's rendering fails and the correct one does not, Deckhand's errors. A site
// deployed with Deckhand runs with Deckhand's values; `--compat deckhand` reproduces them.
import { locatePath } from '../../documents/parse.js';
import { docRef, type Json } from '../../documents/types.js';
import { type Problem, Problems } from '../../problems/index.js';
import { type Divergence, deckhandReport } from '../../render/divergence.js';
import { REDACTED } from '../../render/index.js';
import { formatPath } from '../../render/path.js';
import { checkEnvelopes } from '../../validate/index.js';
import { type Rule, siteFiles } from '../model.js';
import { label } from './util.js';

export const deckhandDivergence: Rule = {
  code: 'S004',
  description: 'Deckhand renders a value differently from the correct rendering (migration report)',
  severity: 'warning',
  check: (repo) => {
    const seen = new Set<string>();
    const out: Problem[] = [];
    for (const site of repo.sites) {
      if (!site.exists || !site.siteType) continue;
      const documents = checkEnvelopes(
        siteFiles(repo, site).flatMap((f) => f.documents),
        new Problems(),
      );
      const report = deckhandReport(documents);
      const problems = [
        ...report.deckhandOnlyErrors.map(
          (e): Problem => ({
            ...e,
            code: 'S004',
            severity: 'warning',
            message: `site ${site.name}: Deckhand cannot render this site, where the correct rendering can: ${e.code}: ${e.message}`,
          }),
        ),
        ...report.divergences.map((d) => divergenceProblem(d, site.name)),
      ];
      for (const p of problems) {
        const key = `${p.source?.file.path}\u0000${p.source?.offset}\u0000${p.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(p);
      }
    }
    return out;
  },
};

function divergenceProblem(d: Divergence, site: string): Problem {
  const show = (v: Json | undefined) => (v === undefined ? 'no value' : d.secret ? REDACTED : short(JSON.stringify(v)));
  return {
    code: 'S004',
    severity: 'warning',
    message: `site ${site}: ${label(d.doc)} ${formatPath(d.path)}: Deckhand renders ${show(d.deckhand)}, the documents say ${show(d.correct)}; ${d.cause}`,
    source: locatePath(d.doc, ['data', ...d.path]),
    document: docRef(d.doc),
  };
}

function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
