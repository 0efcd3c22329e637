// source/load.ts: the files of a site (a file, a folder, or one site of a Pegleg repo), read and
// parsed into documents. The only stage that reads the file system. Kept apart from the chart
// sources (source/index.ts re-exports both) so that rendering loads no network code.

import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseFile } from '../documents/parse.js';
import { SourceFile } from '../documents/source-file.js';
import type { SourceDocument } from '../documents/types.js';
import type { Problems } from '../problems/index.js';
import { listYamlFiles } from './list-files.js';
import { parseFileCached } from './parse-cache.js';
import { isSiteRepo, listSites, readSiteDefinition, reportSkipped, type SiteRef, siteFiles } from './pegleg.js';
import { ioFailure, kindOf, readUserFileSync } from './read-user-file.js';

export interface SiteSource {
  /** The first path given: the repository root when it is a folder. */
  root: string;
  files: SourceFile[];
  documents: SourceDocument[];
  site?: SiteRef;
}

export interface LoadOptions {
  site?: string | undefined;
  /** Parsed files by absolute path, shared between loads (e.g. global/ across many sites). */
  cache?: Map<string, { file: SourceFile; documents: SourceDocument[] }>;
  /** A folder for the on-disk cache of parsed files (parse-cache.ts); none: every file is parsed. */
  parseCache?: string | undefined;
}

export async function loadSource(paths: string[], options: LoadOptions, problems: Problems): Promise<SiteSource> {
  const root = resolve(paths[0] ?? '.');
  const wanted: string[] = [];
  let site: SiteRef | undefined;
  for (const p of paths) {
    const abs = resolve(p);
    let info;
    try {
      info = await stat(abs);
    } catch (e) {
      const f = ioFailure(e, p);
      problems.error(f.code, f.message);
      continue;
    }
    try {
      if (info.isFile()) {
        wanted.push(abs);
      } else if (!info.isDirectory()) {
        problems.error('NotARegularFile', `${p} is a ${kindOf(info)}, not a file or folder of site documents`);
      } else if (await isSiteRepo(abs)) {
        const name = options.site ?? (await onlySite(abs, p, problems));
        if (!name) continue;
        site = await readSiteDefinition(abs, name, display, problems, {
          requireType: true,
          parseCache: options.parseCache,
        });
        if (site) wanted.push(...(await siteFiles(abs, site, display, problems)));
      } else {
        wanted.push(...(await listYamlFiles(abs, (e) => reportSkipped(e, display, problems))));
      }
    } catch (e) {
      const f = ioFailure(e, (e as NodeJS.ErrnoException).path ? display((e as NodeJS.ErrnoException).path!) : p);
      problems.error(f.code, f.message);
    }
  }
  const loaded = (await Promise.all(wanted.map((abs) => loadFile(abs, options, problems)))).filter(
    (l) => l !== undefined,
  );
  const result: SiteSource = {
    root,
    files: loaded.map((l) => l.file),
    documents: loaded.flatMap((l) => l.documents),
  };
  if (site) result.site = site;
  return result;
}

async function onlySite(dir: string, shown: string, problems: Problems): Promise<string | undefined> {
  const sites = await listSites(dir);
  if (sites.length === 1) return sites[0];
  problems.error(
    'SiteRequired',
    `${shown} is a site repository with sites ${sites.join(', ') || '(none)'}: choose one with --site NAME`,
  );
  return undefined;
}

async function loadFile(abs: string, options: LoadOptions, problems: Problems) {
  const cache = options.cache;
  const hit = cache?.get(abs);
  if (hit) return hit;
  // Read synchronously: for hundreds of small files the promise machinery of fs/promises costs
  // more than the reads themselves (the CLI reads nothing else meanwhile).
  const shown = display(abs);
  const read = readUserFileSync(abs, shown);
  if (!read.ok) {
    problems.error(read.code, read.message);
    return undefined;
  }
  const file = new SourceFile(shown, read.text);
  const entry = {
    file,
    documents: options.parseCache ? parseFileCached(file, options.parseCache, problems) : parseFile(file, problems),
  };
  cache?.set(abs, entry);
  return entry;
}

/** Paths are shown relative to the working directory when they are below it. */
function display(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith('..') || rel === '' ? abs : rel;
}
