import { describe, expect, it } from 'vitest';
import { formatProblem, Problems } from '../problems/index.js';
import { locatePath, parseText } from './parse.js';

function parse(text: string) {
  const problems = new Problems();
  const docs = parseText('f.yaml', text, problems);
  return { docs, errors: problems.items.map(formatProblem) };
}

describe('parseText', () => {
  it('reads scalars the way PyYAML (YAML 1.1) does', () => {
    const { docs, errors } = parse(
      'schema: a/B/v1\nmetadata: {name: n, schema: metadata/Document/v1}\ndata: {dot: ., y: y, n: n, yes: yes, off: off, mode: 0755, f: .5}\n',
    );
    expect(errors).toEqual([]);
    expect(docs[0]!.data).toEqual({ dot: '.', y: 'y', n: 'n', true: true, false: false, mode: 493, f: 0.5 });
  });

  it('splits a stream on --- and skips empty documents', () => {
    const { docs } = parse(
      '---\nschema: a/B/v1\nmetadata: {name: one}\ndata: 1\n---\n---\nschema: a/B/v1\nmetadata: {name: two}\ndata: 2\n...\n',
    );
    expect(docs.map((d) => [d.metadata.name, d.source.file.position(d.source.offset).line])).toEqual([
      ['one', 2],
      ['two', 7],
    ]);
  });

  it('reports YAML syntax errors with file:line and keeps the other documents', () => {
    const { docs, errors } = parse(
      'schema: a/B/v1\nmetadata: {name: one}\ndata: 1\n---\nschema: a/B/v1\nmetadata: [unclosed\ndata: 2\n',
    );
    expect(docs.map((d) => d.metadata.name)).toEqual(['one']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^f\.yaml:[67]: InvalidYAML: /);
  });

  it("reports envelope problems with the document's line", () => {
    expect(parse('- a list\n').errors).toEqual([
      'f.yaml:1: InvalidDocumentFormat: a document must be a mapping with schema, metadata and data',
    ]);
    expect(parse('---\nmetadata: {name: x}\ndata: {}\n').errors).toEqual([
      'f.yaml:2: InvalidDocumentFormat: the document has no `schema`',
    ]);
    expect(parse('schema: a/B/v1\nmetadata:\n  labels: {}\ndata: {}\n').errors).toEqual([
      'f.yaml:2: InvalidDocumentFormat: the document has no `metadata.name`',
    ]);
    expect(parse('schema: a/B/v1\nmetadata: {name: x}\n').errors).toEqual([
      'f.yaml:1: InvalidDocumentFormat: [a/B/v1] x: the document has no `data` section',
    ]);
  });

  it("reads a repeated mapping key as PyYAML does: the last value wins, at the first key's place, with a warning naming both lines", () => {
    const { docs, errors } = parse(
      'schema: a/B/v1\nmetadata: {name: x}\ndata:\n  a: 1\n  b: {c: 1, c: 2}\n  a: 3\n---\nschema: a/B/v1\nmetadata: {name: y}\ndata: {}\n',
    );
    expect(docs.map((d) => d.metadata.name)).toEqual(['x', 'y']);
    expect(docs[0]!.data).toEqual({ a: 3, b: { c: 2 } });
    expect(Object.keys(docs[0]!.data as object)).toEqual(['a', 'b']);
    expect(errors).toEqual([
      "f.yaml:5: warning: DuplicateMappingKey: key 'c' is repeated in the same mapping (first at line 5); the value here wins, as PyYAML reads it",
      "f.yaml:6: warning: DuplicateMappingKey: key 'a' is repeated in the same mapping (first at line 4); the value here wins, as PyYAML reads it",
    ]);
  });

  it('locates any path inside a document', () => {
    const { docs } = parse('schema: a/B/v1\nmetadata: {name: x}\ndata:\n  a:\n    - zero\n    - b: here\n');
    const at = (path: (string | number)[]) => docs[0]!.source.file.position(locatePath(docs[0]!, path).offset).line;
    expect(at(['data', 'a', 1, 'b'])).toBe(6);
    expect(at(['data', 'a', 0])).toBe(5);
    expect(at(['data', 'missing'])).toBe(3);
  });
});
