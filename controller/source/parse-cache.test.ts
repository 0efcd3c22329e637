import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { locatePath, parseFile } from "../documents/parse.js";
import { SourceFile } from "../documents/source-file.js";
import { formatProblem, Problems } from "../problems/index.js";
import { parseCacheDir, parseFileCached } from "./parse-cache.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-parse-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = `# licence header
---
schema: a/B/v1
metadata: {name: one, schema: metadata/Document/v1}
data:
  mode: 0755
  x: 1
  x: 2
---
schema: a/B/v1
metadata: {name: two}
data: [yes, "yes", .]
---
- not an envelope
`;

function parse(text: string, cached: boolean) {
  const file = new SourceFile("site/f.yaml", text);
  const problems = new Problems();
  const docs = cached ? parseFileCached(file, dir, problems) : parseFile(file, problems);
  const lines = problems.items.map(formatProblem);
  const at = (i: number, path: (string | number)[]) => file.position(locatePath(docs[i]!, path).offset).line;
  return { docs: docs.map((d) => ({ schema: d.schema, metadata: d.metadata, data: d.data, line: file.position(d.source.offset).line })), lines, at };
}

describe("parseFileCached", () => {
  it("gives the same documents, positions and problems as parseFile, from the cache too", () => {
    const direct = parse(TEXT, false);
    const first = parse(TEXT, true);
    const entries = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".json"));
    expect(entries).toHaveLength(1);
    const second = parse(TEXT, true);
    for (const run of [first, second]) {
      expect(run.docs).toEqual(direct.docs);
      expect(run.lines).toEqual(direct.lines);
      expect(run.at(0, ["data", "x"])).toBe(direct.at(0, ["data", "x"]));
      expect(run.at(1, ["data", 2])).toBe(12);
    }
    expect(direct.lines.some((l) => l.includes("DuplicateMappingKey"))).toBe(true);
  });

  it("does not store what JSON cannot carry back (.nan, .inf, an alias's shared object)", () => {
    const before = readdirSync(dir, { recursive: true }).length;
    const docs = parse("schema: a/B/v1\nmetadata: {name: n}\ndata: {nan: .nan, inf: -.inf}\n", true).docs;
    expect(docs[0]!.data).toEqual({ nan: NaN, inf: -Infinity });
    const file = new SourceFile("site/a.yaml", "schema: a/B/v1\nmetadata: {name: n}\ndata: {a: &x {k: 1}, b: *x}\n");
    for (let i = 0; i < 2; i++) {
      const data = parseFileCached(file, dir, new Problems())[0]!.data as Record<string, unknown>;
      expect(data.a).toBe(data.b);
    }
    expect(readdirSync(dir, { recursive: true }).length).toBe(before);
  });

  it("lives under SLIPWAY_PARSE_CACHE or SLIPWAY_CACHE, and `off` turns it off", () => {
    expect(parseCacheDir({ SLIPWAY_PARSE_CACHE: "off" })).toBeUndefined();
    expect(parseCacheDir({ SLIPWAY_PARSE_CACHE: "/srv/pc" })).toBe("/srv/pc");
    expect(parseCacheDir({ SLIPWAY_CACHE: "/srv/cache" })).toBe("/srv/cache/parsed");
  });
});
