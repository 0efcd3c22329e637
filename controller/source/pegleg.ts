// The Pegleg repository layout: global/, type/<type>/, site/<site>/site-definition.yaml.
// A site is rendered from the files of global/, its type and itself.

import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { isPlainObject, parseFile } from "../documents/parse.js";
import { SourceFile } from "../documents/source-file.js";
import type { Problems } from "../problems/index.js";
import { listYamlFiles } from "./list-files.js";

export const SITE_DEFINITION = "pegleg/SiteDefinition/v1";

export interface SiteRef {
  name: string;
  type: string;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** True when `dir` has a `site/` folder: the layout Pegleg reads. */
export async function isSiteRepo(dir: string): Promise<boolean> {
  return isDirectory(join(dir, "site"));
}

/** Names of the sites of a repo (folders under site/ that hold a site-definition.yaml). */
export async function listSites(dir: string): Promise<string[]> {
  const entries = await readdir(join(dir, "site"), { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (await fileExists(join(dir, "site", e.name, "site-definition.yaml"))) names.push(e.name);
  }
  return names;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Reads site/<name>/site-definition.yaml and returns the site's type. */
export async function readSiteDefinition(dir: string, name: string, displayPath: (p: string) => string, problems: Problems): Promise<SiteRef | undefined> {
  const path = join(dir, "site", name, "site-definition.yaml");
  if (!(await fileExists(path))) {
    const sites = (await isDirectory(join(dir, "site"))) ? await listSites(dir) : [];
    problems.error("SiteNotFound", `site '${name}' has no ${displayPath(path)}; sites in this repository: ${sites.join(", ") || "none"}`);
    return undefined;
  }
  const file = new SourceFile(displayPath(path), await readFile(path, "utf8"));
  const docs = parseFile(file, problems);
  const def = docs.find((d) => d.schema === SITE_DEFINITION);
  if (!def) {
    problems.error("SiteDefinitionNotFound", `no ${SITE_DEFINITION} document in ${file.path}`, { source: { file, offset: 0 } });
    return undefined;
  }
  const type = isPlainObject(def.data) ? def.data.site_type : undefined;
  if (typeof type !== "string" || type === "") {
    problems.error("InvalidDocumentFormat", `${SITE_DEFINITION} ${def.metadata.name} has no data.site_type`, { source: def.source });
    return undefined;
  }
  return { name, type };
}

/** The files a site is rendered from, in layer order: global/, type/<type>/, site/<name>/. */
export async function siteFiles(dir: string, site: SiteRef): Promise<string[]> {
  const folders = [join(dir, "global"), join(dir, "type", site.type), join(dir, "site", site.name)];
  const out: string[] = [];
  for (const f of folders) if (await isDirectory(f)) out.push(...(await listYamlFiles(f)));
  return out;
}
