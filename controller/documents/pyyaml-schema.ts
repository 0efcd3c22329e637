// A js-yaml schema that reads scalars as PyYAML's safe_load does (YAML 1.1), because Airship's
// tools (Deckhand, Armada, Pegleg) read documents with PyYAML: `yes`/`on` are booleans,
// `0755` is octal, `1:20` is sexagesimal, `<<` merges. Timestamps stay strings, as Helm would
// see them in a values file.

import jsyaml from 'js-yaml';

export const BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
export const BOOL_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

// Every plain scalar (every mapping key too) is tried against each implicit type in turn, so
// each resolver first rules out by its first character what its pattern cannot match.
const BOOL_FIRST = new Set('yYnNtTfFoO');
const NUMBER_FIRST = new Set('+-.0123456789');

const bool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) =>
    s.length >= 2 && s.length <= 5 && BOOL_FIRST.has(s[0]!) && (BOOL_TRUE.test(s) || BOOL_FALSE.test(s)),
  construct: (s: string) => BOOL_TRUE.test(s),
  predicate: (v: unknown) => typeof v === 'boolean',
  represent: (v: object) => (v ? 'true' : 'false'),
});

export const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

function constructInt(s: string): number {
  let t = s.replace(/_/g, '');
  let sign = 1;
  if (t[0] === '-' || t[0] === '+') {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (t === '0') return 0;
  if (t.startsWith('0b')) return sign * parseInt(t.slice(2), 2);
  if (t.startsWith('0x')) return sign * parseInt(t.slice(2), 16);
  if (t.startsWith('0')) return sign * parseInt(t.slice(1), 8);
  if (t.includes(':')) return sign * t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return sign * Number(t);
}

const int = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => NUMBER_FIRST.has(s[0]!) && INT.test(s),
  construct: constructInt,
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  represent: (v: object) => String(v),
});

export const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function constructFloat(s: string): number {
  const t = s.replace(/_/g, '').toLowerCase();
  if (t === '.nan') return NaN;
  if (t.endsWith('.inf')) return t.startsWith('-') ? -Infinity : Infinity;
  if (t.includes(':')) {
    const sign = t.startsWith('-') ? -1 : 1;
    return (
      sign *
      t
        .replace(/^[-+]/, '')
        .split(':')
        .reduce((acc, part) => acc * 60 + Number(part), 0)
    );
  }
  return Number(t);
}

const float = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) => NUMBER_FIRST.has(s[0]!) && FLOAT.test(s),
  construct: constructFloat,
  predicate: (v: unknown) => typeof v === 'number' && !Number.isInteger(v),
  represent: (v: object) => String(v),
});

// js-yaml ships these (null is PyYAML's `~`/`null`/empty; `<<` merge keys), but its types do not declare them.
const builtin = (
  jsyaml as unknown as { types: Record<'null' | 'merge' | 'binary' | 'omap' | 'pairs' | 'set', jsyaml.Type> }
).types;

export const PYYAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [builtin.null, bool, int, float, builtin.merge],
  explicit: [builtin.binary, builtin.omap, builtin.pairs, builtin.set],
});
