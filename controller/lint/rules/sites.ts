// P003, P010, P011: the folders a repository must have, and each site's site-definition.yaml.

import { type Problem, Problems } from '../../problems/index.js';
import { SITE_DEFINITION } from '../../source/index.js';
import { validateDocuments } from '../../validate/index.js';
import type { Rule, SiteFolder } from '../model.js';
import { docProblem, problem } from './util.js';

export const missingDirectories: Rule = {
  code: 'P003',
  description: 'All repos contain expected directories',
  check: (repo) => {
    const out: Problem[] = [];
    if (!repo.hasGlobal)
      out.push(problem('P003', 'the repository has no global/ folder', { file: repo.missing('global'), offset: 0 }));
    for (const site of repo.sites) {
      if (!site.exists) {
        out.push(
          problem('P003', `site ${site.name} not found: there is no folder site/${site.name}`, {
            file: repo.missing(`site/${site.name}`),
            offset: 0,
          }),
        );
        continue;
      }
      const def = definitionOf(site);
      if (def && site.siteType && !repo.types.includes(site.siteType)) {
        out.push(
          docProblem(
            'P003',
            def,
            ['data', 'site_type'],
            `names site type "${site.siteType}" but there is no folder type/${site.siteType}`,
          ),
        );
      }
    }
    return out;
  },
};

export const missingSiteDefinition: Rule = {
  code: 'P010',
  description: 'Site folder in manifests repository is missing site-definition.yaml',
  check: (repo) =>
    repo.sites
      .filter((s) => s.exists && !s.definition)
      .map((s) =>
        problem(
          'P010',
          s.definitionUnreadable
            ? `site folder site/${s.name} has no readable site-definition.yaml: ${s.definitionUnreadable}`
            : `site folder site/${s.name} has no site-definition.yaml`,
          {
            file: repo.missing(`site/${s.name}/site-definition.yaml`),
            offset: 0,
          },
        ),
      ),
};

export const invalidSiteDefinition: Rule = {
  code: 'P011',
  description: 'site-definition.yaml failed Pegleg schema validation',
  check: (repo) =>
    repo.sites.flatMap((site) => {
      const file = site.definition;
      if (!file || file.parseProblems.length > 0) return []; // P005/P007 say why
      const defs = file.documents.filter((d) => d.schema === SITE_DEFINITION);
      if (defs.length === 0)
        return [
          problem('P011', `site/${site.name}/site-definition.yaml has no ${SITE_DEFINITION} document`, {
            file: file.file,
            offset: 0,
          }),
        ];
      const out: Problem[] = defs
        .slice(1)
        .map((d) =>
          docProblem('P011', d, ['schema'], `is a second ${SITE_DEFINITION} in site/${site.name}/site-definition.yaml`),
        );
      const problems = new Problems();
      validateDocuments([defs[0]!], problems);
      for (const p of problems.items) out.push({ ...p, code: 'P011' });
      return out;
    }),
};

function definitionOf(site: SiteFolder) {
  return site.definition?.documents.find((d) => d.schema === SITE_DEFINITION);
}
