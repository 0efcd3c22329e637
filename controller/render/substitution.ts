// Substitution: copy a value from a source document's data into a destination path, whole or
// into the matches of a pattern; track values that came from encrypted documents.

import { isEncrypted, type Json, type Substitution, type SubstitutionDestination } from '../documents/types.js';
import { compileLinear, type LinearRegex, LinearRegexError, type Replacer } from '../limits/linear-regex.js';
import { PythonEscapeError, pythonReplacer, shallowCopy } from './deckhand-quirks.js';
import { clone, isMapping } from './merge.js';
import type { RenderNode } from './model.js';
import { type RenderOptions, recordWrite } from './options.js';
import { formatPath, getPath, parsePath, pathsOverlap, type Segment, setPath } from './path.js';
import { pythonStr } from './python-str.js';

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

type Fail = (code: string, message: string) => Error;

/** Applies every substitution of `node`, in order, to its rendered data. */
export function substituteAll(node: RenderNode, lookup: SourceLookup, options: RenderOptions = {}): void {
  const subs = node.doc.metadata.substitutions ?? [];
  subs.forEach((sub, i) => substituteOne(node, sub, i, lookup, options));
}

function substituteOne(
  node: RenderNode,
  sub: Substitution,
  index: number,
  lookup: SourceLookup,
  options: RenderOptions,
): void {
  const fail: Fail = (code, message) => new SubstitutionError(code, message, index);
  const src = lookup(sub.src.schema, sub.src.name);
  if (!src)
    throw fail(
      'SubstitutionSourceNotFound',
      `source document [${sub.src.schema}] ${sub.src.name} was not found among the concrete documents`,
    );
  const srcPath = safeParse(sub.src.path, fail);
  let value: Json | undefined =
    isMapping(src.data) || Array.isArray(src.data)
      ? getPath(src.data, srcPath)
      : srcPath.length === 0
        ? src.data
        : undefined;
  if (value === undefined || value === null) {
    throw fail(
      'SubstitutionSourceDataNotFound',
      `path '${sub.src.path}' was not found in source document [${sub.src.schema}] ${sub.src.name}`,
    );
  }
  if (sub.src.pattern) {
    if (typeof value !== 'string')
      throw fail(
        'SubstitutionSourceDataNotFound',
        `src.pattern needs a string at '${sub.src.path}' of [${sub.src.schema}] ${sub.src.name}`,
      );
    const m = compile(sub.src.pattern, fail).exec(value);
    if (m) value = m[sub.src.match_group ?? 0] ?? '';
  }
  const secret = isEncrypted(src.doc) || src.secretPaths.some((p) => pathsOverlap(p, srcPath));
  // Deckhand copies the source value shallowly unless the substitution asks for `src.deepcopy`.
  const copy =
    options.compat === 'deckhand' && (sub.src as { deepcopy?: unknown }).deepcopy !== true ? shallowCopy : clone;
  const dests = Array.isArray(sub.dest) ? sub.dest : [sub.dest];
  for (const dest of dests) {
    const destPath = safeParse(dest.path, fail);
    checkDestination(node.data, destPath, dest.path, fail);
    const write = { writer: node, substitutionIndex: index, destPath, secret };
    const trace = options.trace;
    node.data = substituteInto(
      node.data,
      destPath,
      copy(value),
      dest,
      options,
      fail,
      trace && ((container, key) => recordWrite(trace, container, { ...write, key })),
    );
    if (secret) node.secretPaths.push(destPath);
  }
}

/**
 * A destination path may create what is missing, but not run through a value that is not a
 * mapping (or a list, for an index): Deckhand raises UnknownSubstitutionError there, rather
 * than replacing the value with a mapping.
 */
function checkDestination(data: Json, path: Segment[], text: string, fail: Fail): void {
  let cur: Json | undefined = data;
  for (let i = 0; i < path.length; i++) {
    if (cur === undefined || (cur === null && i === 0)) return; // created from here on
    const seg = path[i]!;
    const fits = typeof seg === 'number' ? Array.isArray(cur) : isMapping(cur);
    if (!fits) {
      const at = i === 0 ? "the document's data" : `'${formatPath(path.slice(0, i))}'`;
      throw fail(
        'UnknownSubstitutionError',
        `destination path '${text}' runs through ${at}, which is ${describe(cur)}, not a ${typeof seg === 'number' ? 'list' : 'mapping'}`,
      );
    }
    cur = Array.isArray(cur) ? cur[seg as number] : (cur as { [k: string]: Json })[seg as string];
  }
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

type OnWrite = ((container: Json | undefined, key: Segment | undefined) => void) | undefined;

function substituteInto(
  data: Json,
  path: Segment[],
  value: Json,
  dest: SubstitutionDestination,
  options: RenderOptions,
  fail: Fail,
  onWrite: OnWrite,
): Json {
  const parentOf = () => (path.length > 0 ? getPath(data, path.slice(0, -1)) : undefined);
  if (!dest.pattern) {
    const out = setPath(data ?? {}, path, value);
    onWrite?.(path.length > 0 ? getPath(out, path.slice(0, -1)) : undefined, path[path.length - 1]);
    return out;
  }
  const pattern = compile(dest.pattern, fail);
  const current = getPath(data, path);
  // Deckhand: re.sub(pattern, str(value), current). No match leaves the value as it is.
  const replacement = pythonStr(value);
  const replacer = options.compat === 'deckhand' ? pythonTemplate(replacement, fail) : () => replacement;
  if (typeof current === 'string') {
    if (!pattern.test(current)) return data;
    onWrite?.(parentOf(), path[path.length - 1]);
    return setPath(data, path, replaceAll(current, pattern, replacer, fail));
  }
  if (dest.recurse && (isMapping(current) || Array.isArray(current))) {
    // Deckhand looks for the pattern as plain text (`pattern in value`) before re.sub.
    const found =
      options.compat === 'deckhand' ? (s: string) => s.includes(dest.pattern!) : (s: string) => pattern.test(s);
    replaceRecursively(
      current,
      pattern,
      found,
      (s) => replaceAll(s, pattern, replacer, fail),
      0,
      dest.recurse.depth ?? -1,
    );
    onWrite?.(current, undefined);
    return data;
  }
  throw fail(
    'MissingDocumentPattern',
    current === undefined
      ? `'${formatPath(path)}' does not exist, so pattern '${dest.pattern}' cannot be found in it`
      : `pattern '${dest.pattern}' needs a string at '${formatPath(path)}'`,
  );
}

/** Replaces matches inside every string under `value` down to `maxDepth` (-1: no limit). */
function replaceRecursively(
  value: Json[] | { [k: string]: Json },
  pattern: LinearRegex,
  found: (s: string) => boolean,
  replace: (s: string) => string,
  depth: number,
  maxDepth: number,
): void {
  if (depth === maxDepth) return;
  const visit = (v: Json, set: (x: Json) => void) => {
    if (typeof v === 'string') {
      if (found(v)) set(replace(v));
    } else if (isMapping(v) || Array.isArray(v)) {
      replaceRecursively(v, pattern, found, replace, depth + 1, maxDepth);
    }
  };
  if (Array.isArray(value)) value.forEach((v, i) => visit(v, (x) => (value[i] = x)));
  else for (const k of Object.keys(value)) visit(value[k]!, (x) => (value[k] = x));
}

/** re.sub's reading of the replacement text (compat: deckhand); a bad escape is Deckhand's UnknownSubstitutionError. */
function pythonTemplate(replacement: string, fail: Fail): Replacer {
  try {
    return pythonReplacer(replacement);
  } catch (e) {
    throw fail(
      'UnknownSubstitutionError',
      `re.sub cannot use the substituted value as its replacement: ${(e as Error).message}`,
    );
  }
}

function replaceAll(s: string, pattern: LinearRegex, replacer: Replacer, fail: Fail): string {
  try {
    return pattern.replaceAll(s, replacer);
  } catch (e) {
    if (e instanceof PythonEscapeError)
      throw fail(
        'UnknownSubstitutionError',
        `re.sub cannot use the substituted value as its replacement: ${e.message}`,
      );
    throw e;
  }
}

/** Patterns run on RE2 (linear time); one it cannot run is refused by name. */
function compile(source: string, fail: Fail): LinearRegex {
  try {
    return compileLinear(String(source));
  } catch (e) {
    if (e instanceof LinearRegexError) throw fail(e.code, e.message);
    throw fail('InvalidDocumentFormat', `invalid pattern '${source}': ${(e as Error).message}`);
  }
}

function safeParse(path: string, fail: Fail): Segment[] {
  try {
    return parsePath(String(path));
  } catch (e) {
    throw fail('InvalidDocumentFormat', (e as Error).message);
  }
}
