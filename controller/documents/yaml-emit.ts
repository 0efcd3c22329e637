// Plain JSON documents (rendered output, a Site's inline documents) as YAML that PyYAML reads
// back as the same data, written directly: js-yaml's dumper tries every string against every
// implicit type and several style checks, and was a fifth of a whole
// `slipway render` run. The data is plain JSON, so a small emitter does: block mappings and
// sequences, plain scalars where PyYAML (YAML 1.1) reads them back as the same string,
// literal blocks for multi-line text, double quotes otherwise. Read back with PyYAML's rules
// (documents/pyyaml-schema.ts), the output is the data it was made from (yaml-emit.test.ts).

import { BOOL_FALSE, BOOL_TRUE, FLOAT, INT } from './pyyaml-schema.js';
import type { Json } from './types.js';

/**
 * One document, without the `---` line; ends with a newline. Undefined when the value holds
 * something that is not plain JSON (e.g. a `!!binary` value): the caller dumps that one with js-yaml.
 */
export function emitYaml(value: Json): string | undefined {
  nonPlain = false;
  const out: string[] = [];
  if (isBlockCollection(value)) writeBlock(value, '', out);
  else out.push(scalar(value, '  '), '\n');
  return nonPlain ? undefined : out.join('');
}

/** Set when a value met on the way is not plain JSON. */
let nonPlain = false;

function isBlockCollection(v: Json): v is Json[] | { [k: string]: Json } {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) nonPlain = true;
  return Object.keys(v).length > 0;
}

/** A non-empty mapping or sequence whose first line starts at the current position. */
function writeBlock(v: Json[] | { [k: string]: Json }, indent: string, out: string[]): void {
  const inner = `${indent}  `;
  let first = true;
  if (Array.isArray(v)) {
    for (const item of v) {
      out.push(first ? '- ' : `${indent}- `);
      first = false;
      if (isBlockCollection(item)) writeBlock(item, inner, out);
      else out.push(scalar(item, inner), '\n');
    }
    return;
  }
  for (const key of Object.keys(v)) {
    const item = v[key]!;
    if (!first) out.push(indent);
    first = false;
    out.push(keyText(key));
    if (isBlockCollection(item)) {
      out.push(':\n', inner);
      writeBlock(item, inner, out);
    } else out.push(': ', scalar(item, inner), '\n');
  }
}

function scalar(v: Json, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return stringText(v, indent);
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (
    typeof v !== 'object' ||
    (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)
  )
    nonPlain = true;
  return Array.isArray(v) ? '[]' : '{}';
}

/** PyYAML reads a float only with a dot: 1e-7 is written 1.0e-07's equal, 1.0e-7. */
function numberText(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  const s = String(n);
  return /e/.test(s) && !/\./.test(s) ? s.replace('e', '.0e') : s;
}

// Keys and short values repeat across documents (schema, metadata, name, storagePolicy, ...):
// their written form is looked up rather than worked out again.
const written = new Map<string, string>();
const MEMO_MAX = 64;

function keyText(k: string): string {
  let t = written.get(k);
  if (t === undefined) {
    t = plainSafe(k) ? k : quoted(k);
    if (k.length <= MEMO_MAX && !k.includes('\n')) written.set(k, t);
  }
  return t;
}

function stringText(s: string, indent: string): string {
  if (s.length <= MEMO_MAX && !s.includes('\n')) return keyText(s);
  if (plainSafe(s)) return s;
  if (s.includes('\n') && literalSafe(s)) return literal(s, indent);
  return quoted(s);
}

// Conservative: a plain scalar starts with a letter, digit or one of a few safe characters, and
// holds no character that could start an indicator, a comment, a flow collection or an escape.
const PLAIN = /^[A-Za-z0-9_./(~$^=+][A-Za-z0-9_./()~$^=+\-:@, ]*$/;
const TIMESTAMP = /^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?/;

function plainSafe(s: string): boolean {
  if (!PLAIN.test(s)) return false;
  const last = s.charCodeAt(s.length - 1);
  if (last === 32 /* space */ || last === 58 /* : */ || s.includes(': ')) return false;
  // Not something PyYAML reads as another type: null, bool, int, float, merge, value, timestamp
  // (each starts with one of a few characters).
  const c = s[0]!;
  if (NUMBER_START.includes(c)) return !(INT.test(s) || FLOAT.test(s) || TIMESTAMP.test(s));
  if (WORD_START.includes(c))
    return !(
      s === '~' ||
      s === 'null' ||
      s === 'Null' ||
      s === 'NULL' ||
      s === '=' ||
      (s.length <= 5 && (BOOL_TRUE.test(s) || BOOL_FALSE.test(s)))
    );
  return true;
}

const NUMBER_START = '+-.0123456789';
const WORD_START = '~nNyYtTfFoO=';

// Characters YAML does not allow unescaped (and U+2028/2029, which PyYAML reads as line breaks).
const NOT_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A literal block keeps the text exactly unless it starts with a space or a line break, or holds CR or a control character. */
function literalSafe(s: string): boolean {
  return !(s.startsWith(' ') || s.startsWith('\n') || s.includes('\r') || s.includes('\t') || NOT_PRINTABLE.test(s));
}

function literal(s: string, indent: string): string {
  let chomp = '-';
  let body = s;
  if (s.endsWith('\n')) {
    body = s.slice(0, -1);
    chomp = body.endsWith('\n') ? '+' : '';
  }
  // Every line indented but the empty ones (literalSafe: the first line is not empty).
  return `|${chomp}\n${indent}${body.replace(LINE_START, `\n${indent}`)}`;
}

/** A line break followed by a line that is not empty. */
const LINE_START = /\n(?=[^\n])/g;

const ESCAPE_EXTRA = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** JSON's string syntax is YAML's double-quoted style; escape what JSON leaves raw but YAML does not allow. */
function quoted(s: string): string {
  return JSON.stringify(s).replace(ESCAPE_EXTRA, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
