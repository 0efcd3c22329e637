// A hand-written check that a metadata section is certainly valid, so that the common case
// (every document valid) needs no JSON Schema engine at all. It must never accept what the
// schemas in schemas/metadata.ts reject; when it says no, ajv runs and explains why.
// envelope.test.ts checks both agree on every test case.

import { CONTROL_METADATA, DOCUMENT_METADATA } from '../documents/types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
const isBoolean = (v: unknown) => typeof v === 'boolean';
const isInteger = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const onlyKeys = (o: Obj, allowed: ReadonlySet<string>) => Object.keys(o).every((k) => allowed.has(k));

const DOCUMENT_KEYS = new Set([
  'schema',
  'name',
  'labels',
  'replacement',
  'storagePolicy',
  'layeringDefinition',
  'substitutions',
]);
const LAYERING_KEYS = new Set(['layer', 'abstract', 'parentSelector', 'actions']);
const ACTION_KEYS = new Set(['method', 'path']);
const METHODS = new Set(['merge', 'replace', 'delete']);
const SUBSTITUTION_KEYS = new Set(['dest', 'src']);
const SRC_KEYS = new Set(['schema', 'name', 'path', 'pattern', 'match_group', 'deepcopy']);
const DEST_KEYS = new Set(['path', 'pattern', 'recurse']);
const POLICIES = new Set(['cleartext', 'encrypted']);
const SCHEMA = /^[A-Za-z]+\/[A-Za-z]+\/v\d+$/;

export function metadataCertainlyValid(metadata: unknown): boolean {
  if (!isObj(metadata)) return false;
  if (metadata.schema === DOCUMENT_METADATA) return documentMetadata(metadata);
  if (metadata.schema === CONTROL_METADATA) return controlMetadata(metadata);
  return false;
}

function documentMetadata(m: Obj): boolean {
  return (
    onlyKeys(m, DOCUMENT_KEYS) &&
    isNonEmptyString(m.name) &&
    optional(m.labels, isObj) &&
    optional(m.replacement, isBoolean) &&
    isString(m.storagePolicy) &&
    POLICIES.has(m.storagePolicy) &&
    layeringDefinition(m.layeringDefinition) &&
    optional(m.substitutions, (s) => Array.isArray(s) && s.every(substitution))
  );
}

function layeringDefinition(l: unknown): boolean {
  if (!isObj(l) || !onlyKeys(l, LAYERING_KEYS)) return false;
  if ((l.parentSelector === undefined) !== (l.actions === undefined)) return false;
  return (
    isNonEmptyString(l.layer) &&
    optional(l.abstract, isBoolean) &&
    optional(l.parentSelector, (p) => isObj(p) && Object.keys(p).length > 0) &&
    optional(l.actions, (a) => Array.isArray(a) && a.length > 0 && a.every(action))
  );
}

function action(a: unknown): boolean {
  return isObj(a) && onlyKeys(a, ACTION_KEYS) && isString(a.method) && METHODS.has(a.method) && isString(a.path);
}

function substitution(s: unknown): boolean {
  if (!isObj(s) || !onlyKeys(s, SUBSTITUTION_KEYS)) return false;
  const dest = s.dest;
  return src(s.src) && (Array.isArray(dest) ? dest.length > 0 && dest.every(destination) : destination(dest));
}

function src(s: unknown): boolean {
  return (
    isObj(s) &&
    onlyKeys(s, SRC_KEYS) &&
    isString(s.schema) &&
    SCHEMA.test(s.schema) &&
    isString(s.name) &&
    isString(s.path) &&
    optional(s.pattern, isString) &&
    optional(s.match_group, isInteger) &&
    optional(s.deepcopy, isBoolean)
  );
}

function destination(d: unknown): boolean {
  return (
    isObj(d) &&
    onlyKeys(d, DEST_KEYS) &&
    isString(d.path) &&
    optional(d.pattern, isString) &&
    optional(d.recurse, (r) => isObj(r) && isInteger(r.depth) && (r.depth as number) >= -1)
  );
}

function controlMetadata(m: Obj): boolean {
  return (
    isNonEmptyString(m.name) &&
    optional(m.labels, (l) => isObj(l) && Object.values(l).every(isString)) &&
    optional(m.storagePolicy, (p) => isString(p) && POLICIES.has(p)) &&
    optional(
      m.layeringDefinition,
      (l) =>
        isObj(l) &&
        l.parentSelector === undefined &&
        l.actions === undefined &&
        optional(l.layer, isString) &&
        optional(l.abstract, isBoolean),
    ) &&
    m.substitutions === undefined &&
    m.replacement === undefined
  );
}
