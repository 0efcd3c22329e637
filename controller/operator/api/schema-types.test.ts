// The schemas and the TypeScript types describe the same fields: examples.ts sets every
// field of the types (tsc checks that), and here every schema property must be one of them
// and every one of them a schema property.
import { describe, expect, it } from 'vitest';
import { FULL_SITE_SPEC, FULL_SITE_STATUS, FULL_SITESET_SPEC, FULL_SITESET_STATUS } from './examples.js';
import type { Schema } from './schema-kit.js';
import { siteSpecSchema, siteStatusSchema } from './site-schema.js';
import { siteSetSpecSchema, siteSetStatusSchema } from './siteset-schema.js';
import { validateSiteSpec } from './validate.js';

/** Paths of every field set in a value, following the schema; maps and free-form documents are leaves. */
function valuePaths(value: unknown, schema: Schema | undefined, at = ''): string[] {
  if (!schema) return [];
  if (Array.isArray(value)) return value.length ? valuePaths(value[0], schema.items, `${at}[]`) : [];
  if (typeof value !== 'object' || value === null || !schema.properties) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    `${at}.${k}`,
    ...valuePaths(v, schema.properties![k], `${at}.${k}`),
  ]);
}

/** Paths of every declared property. */
function schemaPaths(schema: Schema, at = ''): string[] {
  if (schema.items) return schemaPaths(schema.items, `${at}[]`);
  return Object.entries(schema.properties ?? {}).flatMap(([k, v]) => [`${at}.${k}`, ...schemaPaths(v, `${at}.${k}`)]);
}

describe.each([
  ['Site spec', FULL_SITE_SPEC, siteSpecSchema(), []],
  ['Site status', FULL_SITE_STATUS, siteStatusSchema(), []],
  // the template's siteName exists in the schema only so that CEL can reject it with a message
  ['SiteSet spec', FULL_SITESET_SPEC, siteSetSpecSchema(), ['.template.spec.siteName']],
  ['SiteSet status', FULL_SITESET_STATUS, siteSetStatusSchema(), []],
] as const)('%s', (_name, example, schema, schemaOnly) => {
  it('declares exactly the fields of the TypeScript type', () => {
    const fromType = valuePaths(example, schema).sort();
    const fromSchema = schemaPaths(schema)
      .filter((p) => !(schemaOnly as readonly string[]).includes(p))
      .sort();
    expect(fromSchema).toEqual(fromType);
  });
});

describe('examples', () => {
  it('a spec with every field but one source is valid', () => {
    const { inline: _inline, ...source } = FULL_SITE_SPEC.source;
    const { tag: _t, commit: _c, ...ref } = source.git.ref;
    expect(validateSiteSpec({ ...FULL_SITE_SPEC, source: { git: { ...source.git, ref } } })).toEqual([]);
  });
});
