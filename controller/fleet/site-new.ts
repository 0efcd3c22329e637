// `slipway site new`: a new site folder from an existing one of the same type. Pure: files in,
// files out. Only the site layer is copied; what a person must still decide (addresses, MACs,
// passwords) becomes NEWSITE-CHANGEME, which `lint` (S001) and `validate` reject until it is
// filled in; the old site's name becomes the new one wherever it stands as a word.

import { type Document, isMap, isScalar, isSeq, type Node, parseAllDocuments } from 'yaml';
import { YAML_DOCUMENT_OPTIONS } from '../documents/parse.js';
import { parsePath } from '../render/path.js';

import { PLACEHOLDER } from '../validate/placeholders.js';

export { PLACEHOLDER };

export interface SiteFile {
  /** Path relative to the site folder (site/<name>/). */
  path: string;
  text: string;
}

/** `--set [DOCUMENT:]PATH=VALUE`: a value for a data path, in one document or wherever the path holds a placeholder. */
export interface SetValue {
  document?: string;
  path: string;
  value: string;
}

export interface NodeInput {
  name: string;
  bmcAddress?: string;
  bootMACAddress?: string;
}

export interface NewSiteInput {
  from: string;
  name: string;
  files: SiteFile[];
  sets?: SetValue[];
  nodes?: NodeInput[];
}

export interface NewSite {
  files: SiteFile[];
  /** Placeholders left for a person to fill in. */
  placeholders: number;
  /** --set values that matched no document path. */
  unusedSets: SetValue[];
}

const IP = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$|^[0-9a-fA-F:]*:[0-9a-fA-F:]+(?:\/\d{1,3})?$/;
const MAC = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;
const NODE_SCHEMAS = new Set(['drydock/BaremetalNode/v1', 'slipway/BaremetalHost/v1']);

export function parseSet(arg: string): SetValue {
  const eq = arg.indexOf('=');
  if (eq < 1) throw new Error(`--set ${arg}: expected [DOCUMENT:]PATH=VALUE`);
  const target = arg.slice(0, eq);
  const colon = target.indexOf(':');
  const set: SetValue = { path: colon >= 0 ? target.slice(colon + 1) : target, value: arg.slice(eq + 1) };
  if (colon > 0) set.document = target.slice(0, colon);
  parsePath(set.path);
  return set;
}

export function newSite(input: NewSiteInput): NewSite {
  const rename = wordReplacer(input.from, input.name);
  const used = new Set<SetValue>();
  const files: SiteFile[] = [];
  let placeholders = 0;
  for (const file of input.files) {
    const docs = parseAllDocuments(file.text, YAML_DOCUMENT_OPTIONS);
    const out: Document[] = [];
    for (const doc of Array.isArray(docs) ? docs : []) {
      const schema = String(doc.get('schema') ?? '');
      if (input.nodes && NODE_SCHEMAS.has(schema)) continue; // regenerated from --nodes below
      out.push(transform(doc, rename));
    }
    if (input.nodes && out.length === 0) continue;
    for (const doc of out) applySets(doc, input.sets ?? [], used);
    placeholders += out.reduce((n, d) => n + countPlaceholders(d.contents), 0);
    files.push({ path: rename(file.path), text: out.map((d) => d.toString({ lineWidth: 0 })).join('') });
  }
  if (input.nodes?.length) {
    const generated = nodeFiles(input, rename);
    for (const doc of generated) applySets(doc, input.sets ?? [], used);
    placeholders += generated.reduce((n, d) => n + countPlaceholders(d.contents), 0);
    files.push({ path: 'baremetal/nodes.yaml', text: generated.map((d) => d.toString({ lineWidth: 0 })).join('') });
  }
  return { files, placeholders, unusedSets: (input.sets ?? []).filter((s) => !used.has(s)) };
}

/** Replaces `from` where it stands as a word (lab, lab-node-01, app.lab.example) by `to`. */
function wordReplacer(from: string, to: string): (s: string) => string {
  const re = new RegExp(`(?<![A-Za-z0-9])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
  return (s) => s.replace(re, to);
}

function transform(doc: Document, rename: (s: string) => string): Document {
  const encrypted = doc.getIn(['metadata', 'storagePolicy']) === 'encrypted';
  const visit = (node: unknown, inData: boolean): void => {
    if (isMap(node)) for (const pair of node.items) visit(pair.value, inData);
    else if (isSeq(node)) for (const item of node.items) visit(item, inData);
    else if (isScalar(node) && typeof node.value === 'string') {
      const v = node.value;
      if (inData && (IP.test(v) || MAC.test(v))) node.value = PLACEHOLDER;
      else node.value = rename(v);
    }
  };
  visit(doc.get('metadata', true), false);
  if (encrypted) doc.set('data', PLACEHOLDER);
  else visit(doc.get('data', true), true);
  return doc;
}

function applySets(doc: Document, sets: SetValue[], used: Set<SetValue>): void {
  const name = String(doc.getIn(['metadata', 'name']) ?? '');
  for (const set of sets) {
    if (set.document && set.document !== name) continue;
    const path = ['data', ...parsePath(set.path)];
    const current = doc.getIn(path);
    if (set.document ? true : current === PLACEHOLDER) {
      if (path.length === 1) doc.set('data', set.value);
      else doc.setIn(path, set.value);
      used.add(set);
    }
  }
}

function countPlaceholders(node: unknown): number {
  if (isMap(node)) return node.items.reduce((n, p) => n + countPlaceholders(p.value), 0);
  if (isSeq(node)) return node.items.reduce((n: number, i) => n + countPlaceholders(i), 0);
  return isScalar(node) && typeof node.value === 'string' && node.value.includes(PLACEHOLDER) ? 1 : 0;
}

/** One BaremetalNode and one BaremetalHost per --nodes entry, from the old site's first node as the template. */
function nodeFiles(input: NewSiteInput, rename: (s: string) => string): Document[] {
  const templates = new Map<string, { doc: Document; node: string }>();
  for (const file of input.files) {
    for (const doc of parseAllDocuments(file.text, YAML_DOCUMENT_OPTIONS) as Document[]) {
      const schema = String(doc.get('schema') ?? '');
      if (NODE_SCHEMAS.has(schema) && !templates.has(schema))
        templates.set(schema, { doc, node: String(doc.getIn(['metadata', 'name'])) });
    }
  }
  const out: Document[] = [];
  for (const n of input.nodes ?? []) {
    for (const [schema, t] of templates) {
      const doc = transform(t.doc.clone(), (s) => rename(wordReplacer(t.node, n.name)(s)));
      if (schema === 'slipway/BaremetalHost/v1') {
        if (n.bmcAddress) doc.setIn(['data', 'bmc', 'address'], n.bmcAddress);
        if (n.bootMACAddress && doc.hasIn(['data', 'bootMACAddress']))
          doc.setIn(['data', 'bootMACAddress'], n.bootMACAddress);
      } else if (n.bootMACAddress) {
        setMacs(doc.get('data', true) as Node, n.bootMACAddress);
      }
      out.push(doc);
    }
  }
  return out;
}

/** Fills every placeholder held by a key whose name says MAC (boot_mac, bootMACAddress, mac). */
function setMacs(node: unknown, mac: string): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (/mac/i.test(key) && isScalar(pair.value) && pair.value.value === PLACEHOLDER) pair.value.value = mac;
      else setMacs(pair.value, mac);
    }
  } else if (isSeq(node)) for (const item of node.items) setMacs(item, mac);
}
