// Substitution: copy a value from a source document's data into a destination path, whole or
// into the matches of a pattern; track values that came from encrypted documents.

import { isEncrypted, type Json, type Substitution, type SubstitutionDestination } from "../documents/types.js";
import { compileLinear, LinearRegexError, type LinearRegex } from "../limits/linear-regex.js";
import { clone, isMapping } from "./merge.js";
import type { RenderNode } from "./model.js";
import { formatPath, getPath, parsePath, pathsOverlap, setPath, type Segment } from "./path.js";

export class SubstitutionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly substitutionIndex: number,
  ) {
    super(message);
  }
}

/** Looks up a source by (schema, name) among concrete documents, following replacements. */
export type SourceLookup = (schema: string, name: string) => RenderNode | undefined;

/** Applies every substitution of `node`, in order, to its rendered data. */
export function substituteAll(node: RenderNode, lookup: SourceLookup): void {
  const subs = node.doc.metadata.substitutions ?? [];
  subs.forEach((sub, i) => substituteOne(node, sub, i, lookup));
}

function substituteOne(node: RenderNode, sub: Substitution, index: number, lookup: SourceLookup): void {
  const fail = (code: string, message: string) => new SubstitutionError(code, message, index);
  const src = lookup(sub.src.schema, sub.src.name);
  if (!src) throw fail("SubstitutionSourceNotFound", `source document [${sub.src.schema}] ${sub.src.name} was not found among the concrete documents`);
  const srcPath = safeParse(sub.src.path, fail);
  let value: Json | undefined = isMapping(src.data) || Array.isArray(src.data) ? getPath(src.data, srcPath) : srcPath.length === 0 ? src.data : undefined;
  if (value === undefined || value === null) {
    throw fail("SubstitutionSourceDataNotFound", `path '${sub.src.path}' was not found in source document [${sub.src.schema}] ${sub.src.name}`);
  }
  if (sub.src.pattern) {
    if (typeof value !== "string") throw fail("SubstitutionSourceDataNotFound", `src.pattern needs a string at '${sub.src.path}' of [${sub.src.schema}] ${sub.src.name}`);
    const m = compile(sub.src.pattern, fail).exec(value);
    if (m) value = m[sub.src.match_group ?? 0] ?? "";
  }
  const secret = isEncrypted(src.doc) || src.secretPaths.some((p) => pathsOverlap(p, srcPath));
  const dests = Array.isArray(sub.dest) ? sub.dest : [sub.dest];
  for (const dest of dests) {
    const destPath = safeParse(dest.path, fail);
    node.data = substituteInto(node.data, destPath, clone(value), dest, fail);
    if (secret) node.secretPaths.push(destPath);
  }
}

function substituteInto(data: Json, path: Segment[], value: Json, dest: SubstitutionDestination, fail: (c: string, m: string) => Error): Json {
  if (!dest.pattern) return setPath(data ?? {}, path, value);
  const pattern = compile(dest.pattern, fail);
  const current = getPath(data, path);
  const replacement = typeof value === "string" ? value : JSON.stringify(value);
  if (typeof current === "string") {
    if (!pattern.test(current)) throw fail("MissingDocumentPattern", `pattern '${dest.pattern}' was not found in the value at '${formatPath(path)}'`);
    return setPath(data, path, pattern.replaceAll(current, replacement));
  }
  if (dest.recurse && (isMapping(current) || Array.isArray(current))) {
    const found = replaceRecursively(current, pattern, replacement, 0, dest.recurse.depth ?? -1);
    if (!found) throw fail("MissingDocumentPattern", `pattern '${dest.pattern}' was not found under '${formatPath(path)}'`);
    return data;
  }
  throw fail(
    "MissingDocumentPattern",
    current === undefined ? `'${formatPath(path)}' does not exist, so pattern '${dest.pattern}' cannot be found in it` : `pattern '${dest.pattern}' needs a string at '${formatPath(path)}'`,
  );
}

/** Replaces matches inside every string under `value` down to `maxDepth` (-1: no limit). */
function replaceRecursively(value: Json[] | { [k: string]: Json }, pattern: LinearRegex, replacement: string, depth: number, maxDepth: number): boolean {
  if (depth === maxDepth) return false;
  let found = false;
  const visit = (v: Json, set: (x: Json) => void) => {
    if (typeof v === "string") {
      if (pattern.test(v)) {
        found = true;
        set(pattern.replaceAll(v, replacement));
      }
    } else if (isMapping(v) || Array.isArray(v)) {
      if (replaceRecursively(v, pattern, replacement, depth + 1, maxDepth)) found = true;
    }
  };
  if (Array.isArray(value)) value.forEach((v, i) => visit(v, (x) => (value[i] = x)));
  else for (const k of Object.keys(value)) visit(value[k]!, (x) => (value[k] = x));
  return found;
}

/** Patterns run on RE2 (linear time); one it cannot run is refused by name. */
function compile(source: string, fail: (c: string, m: string) => Error): LinearRegex {
  try {
    return compileLinear(String(source));
  } catch (e) {
    if (e instanceof LinearRegexError) throw fail(e.code, e.message);
    throw fail("InvalidDocumentFormat", `invalid pattern '${source}': ${(e as Error).message}`);
  }
}

function safeParse(path: string, fail: (c: string, m: string) => Error): Segment[] {
  try {
    return parsePath(String(path));
  } catch (e) {
    throw fail("InvalidDocumentFormat", (e as Error).message);
  }
}
