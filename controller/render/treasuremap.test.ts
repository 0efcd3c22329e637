// Airship's reference site repository, treasuremap v1.9, against what the real Deckhand engine
// rendered from it (../shared/airship, see its README.md): `compat: deckhand` must equal
// deckhand-rendered/ for every document, the default rendering deckhand-rendered-without-quirks/
// (Deckhand with its two bugs switched off), and the migration report must name exactly the
// documents where those two differ.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceDocument } from '../documents/types.js';
import { lintRepository } from '../lint/index.js';
import { formatProblem, Problems } from '../problems/index.js';
import { loadSource } from '../source/index.js';
import { checkEnvelopes, validateDocuments } from '../validate/index.js';
import { deckhandDivergences } from './divergence.js';
import { type RenderOptions, redactDocument, render } from './index.js';

const REPO_ROOT = resolve(new URL('.', import.meta.url).pathname, '../..');
const AIRSHIP = process.env.SLIPWAY_AIRSHIP_DIR ?? resolve(REPO_ROOT, '../shared/airship');
const TREASUREMAP = resolve(AIRSHIP, 'treasuremap-v1.9');
const SITES = ['airskiff', 'airskiff-suse', 'airsloop', 'seaworthy', 'seaworthy-virt'];

interface Doc {
  schema: string;
  metadata: { name: string };
  data: unknown;
}

const key = (d: Doc) => `${d.schema} ${d.metadata.name}`;
/** JSON with mapping keys sorted: Deckhand's dumps do not keep the documents' key order everywhere. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function expected(folder: string, site: string): Map<string, Doc> {
  const docs = JSON.parse(readFileSync(resolve(TREASUREMAP, folder, `${site}.json`), 'utf8')) as Doc[];
  return new Map(docs.map((d) => [key(d), d]));
}

async function siteDocuments(site: string): Promise<SourceDocument[]> {
  const problems = new Problems();
  const source = await loadSource([TREASUREMAP], { site }, problems);
  const docs = checkEnvelopes(source.documents, problems);
  expect(problems.items.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([]);
  return docs;
}

function rendered(documents: SourceDocument[], options: RenderOptions = {}): Map<string, Doc> {
  const problems = new Problems();
  const out = render(documents, problems, options);
  expect(problems.errors.map(formatProblem)).toEqual([]);
  return new Map(out.map((d) => plain(redactDocument(d, true))).map((d) => [key(d), d]));
}

/** Every document equal in schema, metadata and data; the names of those that are not, for the message. */
function compare(actual: Map<string, Doc>, want: Map<string, Doc>): void {
  expect([...actual.keys()].sort()).toEqual([...want.keys()].sort());
  const differing = [...want].filter(([k, d]) => canonical(actual.get(k)) !== canonical(d)).map(([k]) => k);
  expect(differing).toEqual([]);
  for (const [k, d] of want) expect(actual.get(k), k).toEqual(d);
}

describe("treasuremap v1.9 against Deckhand's own rendering", () => {
  beforeAll(() => {
    if (!existsSync(resolve(TREASUREMAP, 'deckhand-rendered'))) {
      throw new Error(
        `the Airship yardstick is missing: expected treasuremap-v1.9 with deckhand-rendered/ at ${TREASUREMAP} (set SLIPWAY_AIRSHIP_DIR to the folder holding treasuremap-v1.9)`,
      );
    }
  });

  describe.each(SITES)('%s', (site) => {
    let documents: SourceDocument[];
    beforeAll(async () => {
      documents = await siteDocuments(site);
    });

    it('--compat deckhand renders exactly what Deckhand rendered, document for document', () => {
      compare(rendered(documents, { compat: 'deckhand' }), expected('deckhand-rendered', site));
    });

    it('the default rendering equals Deckhand with its two bugs switched off', () => {
      compare(rendered(documents), expected('deckhand-rendered-without-quirks', site));
    });

    it("validates with 0 errors (either way), and lint -x P001 -x P009, treasuremap's own gate, reports 0 errors", async () => {
      for (const options of [{}, { compat: 'deckhand' as const }]) {
        const problems = new Problems();
        validateDocuments(render(documents, problems, options), problems);
        expect(problems.errors.map(formatProblem)).toEqual([]);
      }
      const lint = await lintRepository(TREASUREMAP, { site, exclude: ['P001', 'P009'] });
      expect(lint.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([]);
    });

    it('the migration report names exactly the documents where the two differ, with both values', () => {
      const withBugs = expected('deckhand-rendered', site);
      const without = expected('deckhand-rendered-without-quirks', site);
      const differing = [...withBugs]
        .filter(([k, d]) => canonical(d) !== canonical(without.get(k)))
        .map(([k]) => k)
        .sort();
      expect(differing.length).toBeGreaterThan(0);
      const report = deckhandDivergences(documents);
      expect([...new Set(report.map((d) => key(d.doc)))].sort()).toEqual(differing);
      for (const d of report) {
        const path = d.path;
        const at = (doc: Doc | undefined) =>
          path.reduce<unknown>(
            (v, s) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined),
            doc?.data,
          );
        expect(d.deckhand, `${key(d.doc)} ${path.join('.')}`).toEqual(at(withBugs.get(key(d.doc))));
        expect(d.correct, `${key(d.doc)} ${path.join('.')}`).toEqual(at(without.get(key(d.doc))));
        expect(d.cause).toMatch(
          /Deckhand's (shallow copy: substitution \d+ of \[|delete by value: layering action \d+ \(delete )/,
        );
      }
    });
  });

  it("seaworthy: the report shows ucp_endpoints' drydock API node port, 30000 in Deckhand where the file says 31900, and why", async () => {
    const report = deckhandDivergences(await siteDocuments('seaworthy'));
    const port = report.find(
      (d) =>
        d.doc.metadata.name === 'ucp_endpoints' && d.path.join('.') === 'ucp.physicalprovisioner.port.api.nodeport',
    );
    expect(port).toMatchObject({ deckhand: 30000, correct: 31900 });
    expect(port!.cause).toContain(
      'substitution 7 of [armada/Chart/v1, global] ucp-drydock writes .values.endpoints.physicalprovisioner.port.api.nodeport',
    );
  });

  it('aiab fails with SubstitutionSourceNotFound where Deckhand does (see aiab.error.txt)', async () => {
    const deckhand = readFileSync(resolve(TREASUREMAP, 'deckhand-rendered', 'aiab.error.txt'), 'utf8');
    const m =
      /^SubstitutionSourceNotFound: .*\[([^\]]+)\] (\S+) was not found, yet is referenced by \[([^\]]+)\] (\S+)/.exec(
        deckhand,
      )!;
    expect(m).not.toBeNull();
    const [, srcSchema, srcName, docSchema, docName] = m;
    for (const options of [{}, { compat: 'deckhand' as const }]) {
      const problems = new Problems();
      const source = await loadSource([TREASUREMAP], { site: 'aiab' }, problems);
      render(checkEnvelopes(source.documents, problems), problems, options);
      const lines = problems.errors.map(formatProblem);
      const line = lines.find(
        (l) => l.includes(`] ${docName}: `) && l.includes(`[${srcSchema}] ${srcName} was not found`),
      );
      expect(line, lines.join('\n')).toBeDefined();
      // The file and line of the substitution that names the missing source.
      const [, file, lineNo] = /^(.*?):(\d+): SubstitutionSourceNotFound: \[([^\]]+)\]/.exec(line!)!;
      expect(file).toBe(resolve(TREASUREMAP, 'global/software/charts/kubernetes/etcd/etcd.yaml'));
      const text = readFileSync(file!, 'utf8').split('\n');
      expect(text[Number(lineNo) - 1]).toMatch(/^\s*(- )?src:/);
      expect(text.slice(Number(lineNo) - 1, Number(lineNo) + 3).join('\n')).toContain(`name: ${srcName}`);
      expect(line).toContain(`[${docSchema}, global] ${docName}`);
      expect(problems.errors.every((p) => p.code === 'SubstitutionSourceNotFound')).toBe(true);
    }
  });
});
