// What the lint rules look at: the files of a Pegleg repository (or of one site of it),
// already read and parsed. Built by load.ts, the only part of lint that reads the disk.

import type { SourceFile } from '../documents/source-file.js';
import type { SourceDocument } from '../documents/types.js';
import type { Problem, Severity } from '../problems/index.js';

export interface LintFile {
  /** Path relative to the repository root with `/` separators; its first folder is the layer. */
  rel: string;
  file: SourceFile;
  documents: SourceDocument[];
  /** Problems found while parsing: invalid YAML, documents that are not envelopes. */
  parseProblems: Problem[];
}

export interface SiteFolder {
  name: string;
  /** False when `--site NAME` names a folder that does not exist. */
  exists: boolean;
  /** site/<name>/site-definition.yaml, when the file exists. */
  definition?: LintFile | undefined;
  /** Why site/<name>/site-definition.yaml could not be read, when something other than a file is there (a FIFO, a folder...). */
  definitionUnreadable?: string | undefined;
  /** data.site_type of the site definition, when it has one. */
  siteType?: string | undefined;
}

export interface LintRepo {
  /** The repository root as shown in messages. */
  root: string;
  /** Every YAML file in scope: global/, type/ and site/ (or a site's own set). */
  files: LintFile[];
  /** The sites in scope. */
  sites: SiteFolder[];
  hasGlobal: boolean;
  /** Names of the folders under type/. */
  types: string[];
  /** A pseudo file for problems about something missing from the disk (shown as `path:1`). */
  missing(rel: string): SourceFile;
}

/** One lint rule: a code with Pegleg's (or Slipway's S0xx) meaning, and its check. */
export interface Rule {
  code: string;
  /** One line, as in pegleg's lint-codes.rst. */
  description: string;
  /** Problems are errors unless the rule says otherwise (and `warn` can still downgrade). */
  severity?: Severity;
  check(repo: LintRepo): Problem[];
}

/** The files a site is rendered from: global/, type/<its type>/, site/<name>/. */
export function siteFiles(repo: LintRepo, site: SiteFolder): LintFile[] {
  const prefixes = ['global/', `site/${site.name}/`, ...(site.siteType ? [`type/${site.siteType}/`] : [])];
  return repo.files.filter((f) => prefixes.some((p) => f.rel.startsWith(p)));
}
