// ajv errors → readable messages and document paths. Pure functions.

import type { ErrorObject } from 'ajv';

export type PathSegment = string | number;

/**
 * An ajv instancePath ("/data/values/0") as path segments, with array indexes as numbers
 * (decided by the value actually found at each step, so a key "0" stays a string).
 */
export function instancePathSegments(instancePath: string, root: unknown): PathSegment[] {
  if (instancePath === '') return [];
  const out: PathSegment[] = [];
  let value: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(key)) {
      out.push(Number(key));
      value = value[Number(key)];
    } else {
      out.push(key);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** `data.wait.resources[0].type`: how messages name a place in a document. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Drop the errors of the branches of a failed anyOf/oneOf: they only say why each
 * alternative did not match, and the anyOf/oneOf error itself says what was expected.
 */
export function pruneBranchErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const branchRoots = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => `${e.schemaPath}/`);
  if (branchRoots.length === 0) return [...errors];
  return errors.filter((e) => !branchRoots.some((root) => e.schemaPath.startsWith(root)));
}

export interface DescribedError {
  /** Where the error is: the failing value, or the offending key for an unknown property. */
  path: PathSegment[];
  /** What is wrong, without the path. */
  text: string;
}

/** One ajv error as a path and a sentence. `base` is where the validated value sits. */
export function describeError(e: ErrorObject, base: readonly PathSegment[], root: unknown): DescribedError {
  const at = [...base, ...instancePathSegments(e.instancePath, root)];
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: at, text: `is missing required property '${String(p.missingProperty)}'` };
    case 'additionalProperties':
      return { path: [...at, String(p.additionalProperty)], text: 'is not an allowed property' };
    case 'false schema':
      return { path: at, text: 'is not allowed here' };
    case 'enum':
      return {
        path: at,
        text: `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path: at, text: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'type':
      return { path: at, text: `must be ${String(p.type).replace(/,/g, ' or ')}, not ${typeName(e.data)}` };
    case 'dependencies':
    case 'dependentRequired':
      return { path: at, text: `must have '${String(p.missingProperty)}' when it has '${String(p.property)}'` };
    case 'anyOf':
    case 'oneOf': {
      const hint = describedBy(e);
      return {
        path: at,
        text: hint
          ? `must have ${hint}`
          : `must match ${e.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of the allowed forms`,
      };
    }
    default:
      return { path: at, text: e.message ?? `fails '${e.keyword}'` };
  }
}

function describedBy(e: ErrorObject): string | undefined {
  const d = (e.parentSchema as Record<string, unknown> | undefined)?.description;
  return typeof d === 'string' ? d : undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
