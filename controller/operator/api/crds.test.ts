import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { CEL, celRuleTexts } from './cel-rules.js';
import { type CustomResourceDefinition, crdApplyCalls, crdFiles, siteCrd, siteSetCrd } from './crds.js';
import { repoRoot } from './generate-crds.js';
import type { Schema } from './schema-kit.js';

const root = repoRoot(fileURLToPath(import.meta.url));

/** Every schema node with its path. */
function* nodes(schema: Schema, at = ''): Generator<[string, Schema]> {
  yield [at, schema];
  for (const [k, v] of Object.entries(schema.properties ?? {})) yield* nodes(v, `${at}.${k}`);
  if (schema.items) yield* nodes(schema.items, `${at}[]`);
  if (schema.additionalProperties) yield* nodes(schema.additionalProperties, `${at}{}`);
}

const crds: [string, CustomResourceDefinition][] = [
  ['Site', siteCrd()],
  ['SiteSet', siteSetCrd()],
];

describe('generated CRD files', () => {
  it('are committed as `npm run crds` writes them (crds/ and charts/slipway/crds/)', () => {
    const files = crdFiles();
    expect([...files.keys()].sort()).toEqual([
      'charts/slipway/crds/slipway.dev_sites.yaml',
      'charts/slipway/crds/slipway.dev_sitesets.yaml',
      'crds/slipway.dev_sites.yaml',
      'crds/slipway.dev_sitesets.yaml',
    ]);
    for (const [rel, text] of files) {
      let onDisk = '';
      try {
        onDisk = readFileSync(path.join(root, rel), 'utf8');
      } catch {
        // missing: reported by the comparison below
      }
      expect(onDisk, `${rel} is stale: run \`npm run crds\` and commit the result`).toBe(text);
    }
  });

  it('parse back to the definitions', () => {
    const text = crdFiles().get('crds/slipway.dev_sites.yaml')!;
    expect(yaml.loadAll(text).filter(Boolean)).toEqual([JSON.parse(JSON.stringify(siteCrd()))]);
  });
});

describe.each(crds)('%s CRD', (_kind, crd) => {
  const version = crd.spec.versions[0]!;
  const schema = version.schema.openAPIV3Schema;

  it('is structural: every node has a type unless it preserves unknown fields; no additionalProperties: false', () => {
    for (const [at, node] of nodes(schema)) {
      if (!node['x-kubernetes-preserve-unknown-fields']) expect(node.type, `${at} needs a type`).toBeDefined();
      expect((node as Record<string, unknown>).additionalProperties, at).not.toBe(false);
      if (node.properties)
        expect(node.additionalProperties, `${at}: properties and additionalProperties`).toBeUndefined();
    }
  });

  it("bounds every string a CEL rule reads with `matches` (the API server's cost budget)", () => {
    for (const [at, node] of nodes(schema)) {
      for (const v of node['x-kubernetes-validations'] ?? []) {
        if (v.rule.includes('matches(')) expect(node.maxLength, at).toBeLessThanOrEqual(4096);
      }
    }
  });

  it('has a status subresource and printer columns that point at schema fields', () => {
    expect(version.subresources).toEqual({ status: {} });
    for (const col of version.additionalPrinterColumns) {
      if (col.jsonPath.startsWith('.metadata.')) continue;
      const fields = col.jsonPath
        .replace(/\[\?\(.*?\)\]/g, '[]')
        .split('.')
        .filter(Boolean);
      let node: Schema | undefined = schema;
      for (const f of fields)
        node = f.endsWith('[]') ? node?.properties?.[f.slice(0, -2)]?.items : node?.properties?.[f];
      expect(node, `${col.name}: ${col.jsonPath}`).toBeDefined();
      expect(node!.type === 'string' ? 'string' : node!.type, col.name).toBe(col.type === 'date' ? 'string' : col.type);
    }
  });
});

describe('CRD contents', () => {
  it('Site: short name, printer columns Ready, Revision, Nodes, Releases, Age', () => {
    const crd = siteCrd();
    expect(crd.metadata.name).toBe('sites.slipway.dev');
    expect(crd.spec.names.shortNames).toEqual(['site']);
    const cols = crd.spec.versions[0]!.additionalPrinterColumns.filter((c) => !c.priority);
    expect(cols.map((c) => [c.name, c.jsonPath])).toEqual([
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Revision', '.status.lastAppliedRevision'],
      ['Nodes', '.status.summary.nodes'],
      ['Releases', '.status.summary.releases'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('carries every CEL rule cel-rules.ts knows, and only those', () => {
    const used = new Set<string>();
    for (const [, crd] of crds)
      for (const [, node] of nodes(crd.spec.versions[0]!.schema.openAPIV3Schema))
        for (const v of node['x-kubernetes-validations'] ?? []) used.add(v.rule);
    expect([...used].sort()).toEqual(celRuleTexts().sort());
    expect(celRuleTexts().sort()).toEqual(Object.values(CEL).sort());
  });
});

describe('crdApplyCalls', () => {
  it('applies the folder server-side, then waits for exactly the CRDs generated here', () => {
    const [apply, wait] = crdApplyCalls('/repo/crds');
    expect(apply).toEqual(['apply', '--server-side', '--force-conflicts', '-f', '/repo/crds']);
    expect(wait!.filter((a) => a.startsWith('crd/'))).toEqual(crds.map(([, c]) => `crd/${c.metadata.name}`));
    expect(wait).toContain('--for=condition=Established');
  });
});
