// Reading a repository for lint: the only file-system access of the lint stage.

import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isPlainObject, parseFile } from '../documents/parse.js';
import { SourceFile } from '../documents/source-file.js';
import { Problems } from '../problems/index.js';
import { listYamlFiles, SITE_DEFINITION } from '../source/index.js';
import { isDirectory } from '../source/pegleg.js';
import { readUserFile } from '../source/read-user-file.js';
import type { LintFile, LintRepo, SiteFolder } from './model.js';

export async function loadRepository(root: string, site?: string): Promise<LintRepo> {
  const hasGlobal = await isDirectory(join(root, 'global'));
  const types = await subfolders(join(root, 'type'));
  const siteNames = site === undefined ? await subfolders(join(root, 'site')) : [site];

  const sites: SiteFolder[] = [];
  for (const name of siteNames) {
    const exists = await isDirectory(join(root, 'site', name));
    const path = join(root, 'site', name, 'site-definition.yaml');
    const read = exists ? await readUserFile(path, display(path)) : undefined;
    const definition = read?.ok ? lintFile(root, path, read.text) : undefined;
    const unreadable = read && !read.ok && read.code !== 'SourceNotFound' ? `${read.code}: ${read.message}` : undefined;
    sites.push({
      name,
      exists,
      definition,
      definitionUnreadable: unreadable,
      siteType: definition && siteTypeOf(definition),
    });
  }

  const folders =
    site === undefined
      ? ['global', 'type', 'site']
      : ['global', ...sites.flatMap((s) => (s.siteType ? [join('type', s.siteType)] : [])), join('site', site)];
  const files: LintFile[] = [];
  for (const folder of folders) {
    if (!(await isDirectory(join(root, folder)))) continue;
    for (const path of await listYamlFiles(join(root, folder))) {
      const known = sites.find((s) => s.definition && s.definition.rel === relPath(root, path))?.definition;
      files.push(known ?? (await readLintFile(root, path))!);
    }
  }
  return {
    root: display(root),
    files,
    sites,
    hasGlobal,
    types,
    missing: (rel) => new SourceFile(display(join(root, rel)), ''),
  };
}

async function readLintFile(root: string, path: string): Promise<LintFile | undefined> {
  // Like the render stage: type checked before opening (a FIFO would block), size limited.
  const read = await readUserFile(path, display(path));
  if (!read.ok) return undefined;
  return lintFile(root, path, read.text);
}

function lintFile(root: string, path: string, text: string): LintFile {
  const file = new SourceFile(display(path), text);
  const problems = new Problems();
  const documents = parseFile(file, problems);
  return { rel: relPath(root, path), file, documents, parseProblems: problems.items };
}

function siteTypeOf(definition: LintFile): string | undefined {
  const doc = definition.documents.find((d) => d.schema === SITE_DEFINITION);
  const type = doc && isPlainObject(doc.data) ? doc.data.site_type : undefined;
  return typeof type === 'string' && type !== '' && !type.includes('/') ? type : undefined;
}

async function subfolders(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function relPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** Paths are shown relative to the working directory when below it (as controller/source does). */
function display(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith('..') || rel === '' ? abs : rel;
}
