// lint: Pegleg-style checks of a site repository on disk (codes P001–P011 with the meanings
// of pegleg's lint-codes.rst, plus Slipway's S0xx). Reading happens in load.ts; every rule
// is a pure function of what was read.

import type { Problem } from '../problems/index.js';
import { loadRepository } from './load.js';
import type { Rule } from './model.js';
import { RULES } from './rules/index.js';

export interface LintOptions {
  /** Lint only what this site is rendered from: global/, type/<its type>/, site/<site>/. */
  site?: string | undefined;
  /** Codes whose problems are dropped. */
  exclude?: string[] | undefined;
  /** Codes whose problems become warnings. */
  warn?: string[] | undefined;
}

export type { LintFile, LintRepo, Rule, SiteFolder } from './model.js';
export { RULES } from './rules/index.js';

export async function lintRepository(root: string, options: LintOptions = {}): Promise<Problem[]> {
  const repo = await loadRepository(root, options.site);
  return runRules(RULES, repo, options);
}

/** Run rules over a loaded repository, then apply `exclude` and `warn`; sorted by file:line. */
export function runRules(
  rules: readonly Rule[],
  repo: Parameters<Rule['check']>[0],
  options: LintOptions = {},
): Problem[] {
  const exclude = new Set(options.exclude ?? []);
  const warn = new Set(options.warn ?? []);
  const out: Problem[] = [];
  for (const rule of rules) {
    for (const p of rule.check(repo)) {
      if (exclude.has(p.code)) continue;
      const severity = warn.has(p.code) ? 'warning' : (rule.severity ?? p.severity);
      out.push({ ...p, severity });
    }
  }
  return sortByPlace(out);
}

function sortByPlace(problems: Problem[]): Problem[] {
  const key = (p: Problem) => (p.source ? ([p.source.file.path, p.source.offset] as const) : (['\uffff', 0] as const));
  return problems
    .map((p, i) => ({ p, i, k: key(p) }))
    .sort((a, b) => (a.k[0] < b.k[0] ? -1 : a.k[0] > b.k[0] ? 1 : a.k[1] - b.k[1] || a.i - b.i))
    .map((x) => x.p);
}
