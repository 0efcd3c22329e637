import { describe, expect, it } from 'vitest';
import { Problems } from '../problems/index.js';
import { compileCount } from './compiled.js';
import { validateDocuments } from './documents.js';
import { VALID_EXAMPLES } from './fixtures.js';
import { lines, renderedDocs } from './test-helpers.js';

function validate(text: string, options = {}) {
  const problems = new Problems();
  validateDocuments(renderedDocs('global/schemas.yaml', text), problems, options);
  return lines(problems);
}

const dataSchema = (name: string, body: string) => `---
schema: deckhand/DataSchema/v1
metadata:
  schema: metadata/Control/v1
  name: ${name}
data:
${body}`;

const thing = (schema: string, data: string) => `---
schema: ${schema}
metadata:
  schema: metadata/Document/v1
  name: thing-1
  storagePolicy: cleartext
  layeringDefinition:
    layer: global
data:
${data}`;

const THING_SCHEMA = `  $schema: http://json-schema.org/draft-04/schema#
  type: object
  properties:
    size:
      type: integer
      maximum: 10
      exclusiveMaximum: true
  required: [size]
`;

describe("validateDocuments: the site's DataSchema documents", () => {
  it('validates documents of the schema a DataSchema is named after (draft-04)', () => {
    const text = dataSchema('example/Thing/v1', THING_SCHEMA) + thing('example/Thing/v1', '  size: 10\n');
    expect(validate(text)).toEqual([
      'global/schemas.yaml:24: SchemaValidationError: [example/Thing/v1] thing-1: data.size must be < 10 (DataSchema example/Thing/v1)',
    ]);
    expect(validate(dataSchema('example/Thing/v1', THING_SCHEMA) + thing('example/Thing/v1', '  size: 9\n'))).toEqual(
      [],
    );
  });

  it("reports a missing property at the document's data", () => {
    const text = dataSchema('example/Thing/v1', THING_SCHEMA) + thing('example/Thing/v1', '  other: 1\n');
    expect(validate(text)).toEqual([
      "global/schemas.yaml:23: SchemaValidationError: [example/Thing/v1] thing-1: data is missing required property 'size' (DataSchema example/Thing/v1)",
    ]);
  });

  it('applies a DataSchema named without a version to every version', () => {
    const text = dataSchema('example/Thing', THING_SCHEMA) + thing('example/Thing/v2', '  size: 11\n');
    expect(validate(text)).toEqual([
      'global/schemas.yaml:24: SchemaValidationError: [example/Thing/v2] thing-1: data.size must be < 10 (DataSchema example/Thing)',
    ]);
  });

  it('does not apply a versioned DataSchema to another version', () => {
    const text = dataSchema('example/Thing/v1', THING_SCHEMA) + thing('example/Thing/v2', '  size: 11\n');
    expect(validate(text)).toEqual([
      'global/schemas.yaml:16: warning: UnknownDocumentSchema: no schema is known for example/Thing/v2: [example/Thing/v2] thing-1 is not validated',
    ]);
  });

  it('lets a DataSchema replace the built-in schema of the same name', () => {
    const permissive = '  $schema: http://json-schema.org/schema#\n  type: object\n  required: [chart_name]\n';
    const chart = `---\n${VALID_EXAMPLES['armada/Chart/v1']}`.replace(
      '  timeout: 300\n',
      '  timeout: 300\n  retries: 3\n',
    );
    expect(validate(dataSchema('armada/Chart/v1', permissive) + chart)).toEqual([]);
    expect(validate(dataSchema('armada/Chart/v1', permissive) + chart.replace('  chart_name: ingress\n', ''))).toEqual([
      "global/schemas.yaml:19: SchemaValidationError: [armada/Chart/v1] ingress: data is missing required property 'chart_name' (DataSchema armada/Chart/v1)",
    ]);
  });

  it('says so when the failing value is not written in the document itself', () => {
    const text = dataSchema('example/Thing/v1', THING_SCHEMA) + thing('example/Thing/v1', '  other: 1\n');
    const problems = new Problems();
    const docs = renderedDocs('global/schemas.yaml', text);
    // As if layering had brought `size` in from a parent.
    const child = Object.defineProperty({ ...docs[1]!, data: { other: 1, size: 12 } }, 'node', {
      get: () => docs[1]!.node,
    });
    validateDocuments([docs[0]!, child], problems);
    expect(lines(problems)).toEqual([
      'global/schemas.yaml:23: SchemaValidationError: [example/Thing/v1] thing-1: data.size must be < 10 (DataSchema example/Thing/v1; the value is not written in this document: it comes from a parent or a substitution)',
    ]);
  });

  it('reports a DataSchema that is not a valid JSON Schema at its data', () => {
    const text =
      dataSchema('example/Thing/v1', '  type: object\n  properties:\n    size:\n      type: 12\n') +
      thing('example/Thing/v1', '  size: 1\n');
    expect(validate(text)).toEqual([
      'global/schemas.yaml:6: InvalidDataSchema: [deckhand/DataSchema/v1] example/Thing/v1: data is not a valid JSON Schema: schema is invalid: data/properties/size/type must be equal to one of the allowed values, data/properties/size/type must be array, data/properties/size/type must match a schema in anyOf',
    ]);
  });

  it('a $ref that resolves to nothing is an error only where a value reaches it, as in Deckhand (jsonschema resolves lazily)', () => {
    const schema =
      "  type: object\n  properties:\n    size: {$ref: '#/definitions/size'}\n    name: {$ref: '#/definitions/name'}\n  definitions:\n    name: {type: string}\n";
    expect(validate(dataSchema('example/Thing/v1', schema) + thing('example/Thing/v1', '  name: x\n'))).toEqual([]);
    expect(validate(dataSchema('example/Thing/v1', schema) + thing('example/Thing/v1', '  name: 5\n'))).toEqual([
      'global/schemas.yaml:22: SchemaValidationError: [example/Thing/v1] thing-1: data.name must be string, not integer (DataSchema example/Thing/v1)',
    ]);
    expect(validate(dataSchema('example/Thing/v1', schema) + thing('example/Thing/v1', '  size: 1\n'))).toEqual([
      "global/schemas.yaml:22: SchemaValidationError: [example/Thing/v1] thing-1: data.size can't resolve reference #/definitions/size (DataSchema example/Thing/v1)",
    ]);
  });

  it('a DataSchema no document uses is neither checked nor compiled', () => {
    const before = compileCount();
    expect(
      validate(
        dataSchema('example/Unused/v1', '  type: object\n  properties:\n    size:\n      type: 12\n') +
          thing('example/Thing/v1', '  size: 1\n'),
      ),
    ).toEqual([
      'global/schemas.yaml:12: warning: UnknownDocumentSchema: no schema is known for example/Thing/v1: [example/Thing/v1] thing-1 is not validated',
    ]);
    expect(compileCount()).toBe(before);
  });

  it('rejects a DataSchema whose data is not a mapping', () => {
    expect(validate(dataSchema('example/Thing/v1', '  - type\n'))).toEqual([
      'global/schemas.yaml:6: SchemaValidationError: [deckhand/DataSchema/v1] example/Thing/v1: data must be object, not array (built-in schema deckhand/DataSchema/v1)',
    ]);
  });

  it('ignores, with a warning, DataSchemas with reserved or malformed names', () => {
    expect(validate(dataSchema('deckhand/Passphrase/v1', '  type: object\n'))).toEqual([
      'global/schemas.yaml:5: warning: IgnoredDataSchema: [deckhand/DataSchema/v1] deckhand/Passphrase/v1: names under deckhand/ and metadata/ are reserved; the built-in schema is used instead',
    ]);
    expect(validate(dataSchema('thing-schema', '  type: object\n'))).toEqual([
      "global/schemas.yaml:5: warning: IgnoredDataSchema: [deckhand/DataSchema/v1] thing-schema: the name must be a document schema such as 'example/Kind/v1' (or 'example/Kind' for every version); this DataSchema validates nothing",
    ]);
  });

  it('does not check formats in DataSchemas, as Deckhand does not', () => {
    const schema = '  type: object\n  properties:\n    url: {type: string, format: uri}\n';
    expect(validate(dataSchema('example/Thing/v1', schema) + thing('example/Thing/v1', '  url: not a url\n'))).toEqual(
      [],
    );
  });

  it('accepts DataSchemas that share a draft-04 id (as copies of one schema do)', () => {
    const withId =
      '  $schema: http://json-schema.org/draft-04/schema#\n  id: http://example.com/thing.yaml\n  type: object\n';
    const text =
      dataSchema('example/Thing/v1', withId) +
      dataSchema('example/Other/v1', withId) +
      thing('example/Thing/v1', '  a: 1\n');
    expect(validate(text)).toEqual([]);
  });

  it('warns once per unknown schema, at its first document', () => {
    const text =
      thing('example/Unknown/v1', '  a: 1\n') + thing('example/Unknown/v1', '  a: 2\n').replace('thing-1', 'thing-2');
    expect(validate(text)).toEqual([
      'global/schemas.yaml:2: warning: UnknownDocumentSchema: no schema is known for example/Unknown/v1: 2 documents of schema example/Unknown/v1 (first: thing-1) are not validated',
    ]);
  });

  it('takes extra schemas from the caller', () => {
    const extraSchemas = { 'example/Thing/v1': { type: 'object', required: ['size'] } };
    expect(validate(thing('example/Thing/v1', '  a: 1\n'), { extraSchemas })).toEqual([
      "global/schemas.yaml:9: SchemaValidationError: [example/Thing/v1] thing-1: data is missing required property 'size' (built-in schema example/Thing/v1)",
    ]);
  });

  it('compiles each DataSchema once, however often it is used', () => {
    const text =
      dataSchema('example/Counted/v1', '  type: object\n  properties: {n: {type: integer}}\n') +
      thing('example/Counted/v1', '  n: 1\n');
    validate(text);
    const before = compileCount();
    for (let i = 0; i < 5; i++) expect(validate(text)).toEqual([]);
    expect(compileCount()).toBe(before);
    validate(text.replace('type: integer', 'type: number'));
    expect(compileCount()).toBe(before + 1);
  });
});
