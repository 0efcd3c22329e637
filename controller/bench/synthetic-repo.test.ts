import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFile, type SourceDocument, SourceFile } from '../documents/index.js';
import { formatProblem, Problems } from '../problems/index.js';
import { render } from '../render/index.js';
import { loadSource } from '../source/index.js';
import { createSyntheticRepo, planLayout, type SyntheticRepo } from './synthetic-repo.js';

describe('synthetic site repository', () => {
  let repo: SyntheticRepo;
  const docsByFile = new Map<string, SourceDocument[]>();

  beforeAll(async () => {
    repo = await createSyntheticRepo({ sites: 2 });
    const problems = new Problems();
    for (const path of repo.files) {
      docsByFile.set(path, parseFile(new SourceFile(path, await readFile(join(repo.root, path), 'utf8')), problems));
    }
    expect(problems.items.map(formatProblem)).toEqual([]);
  });

  afterAll(async () => {
    if (repo) await rm(repo.root, { recursive: true, force: true });
  });

  const countUnder = (prefix: string) =>
    [...docsByFile].filter(([p]) => p.startsWith(prefix)).reduce((n, [, d]) => n + d.length, 0);

  it('lays the repository out as Pegleg does: global/, type/bench/, site/<name>/site-definition.yaml', () => {
    expect(repo.sites).toEqual(['site-001', 'site-002']);
    expect(repo.siteType).toBe('bench');
    const tops = new Set(
      repo.files.map((f) =>
        f
          .split('/')
          .slice(0, f.startsWith('global/') ? 1 : 2)
          .join('/'),
      ),
    );
    expect([...tops].sort()).toEqual(['global', 'site/site-001', 'site/site-002', 'type/bench']);
    for (const f of [
      'global/layering-policy.yaml',
      'global/schemas/schemas.yaml',
      'global/common/bases.yaml',
      'global/software/chart-groups.yaml',
      'global/software/charts/charts-000.yaml',
      'type/bench/manifests/site-manifest.yaml',
      'type/bench/config/endpoints.yaml',
      'type/bench/config/bases.yaml',
      'type/bench/software/charts/charts-000.yaml',
      'site/site-001/site-definition.yaml',
      'site/site-001/networks/common-addresses.yaml',
      'site/site-001/software/config/services-000.yaml',
      'site/site-001/software/charts/replacements.yaml',
      'site/site-001/secrets/passphrases/passphrases-000.yaml',
      'site/site-001/baremetal/nodes.yaml',
      'site/site-001/baremetal/hosts.yaml',
      'site/site-002/site-definition.yaml',
    ]) {
      expect(repo.files).toContain(f);
    }
    // Several files per layer, not one big file.
    expect(repo.files.filter((f) => f.startsWith('site/site-001/')).length).toBeGreaterThan(10);
  });

  it("puts exactly 500 documents in each site's render set, as counted", () => {
    expect(repo.layout).toEqual({ services: 100, chartGroups: 10, replacements: 25, nodes: 25, padding: 1 });
    expect(repo.documents).toEqual({ global: 116, type: 105, site: 279, perSite: 500, total: 116 + 105 + 2 * 279 });
    expect(countUnder('global/')).toBe(116);
    expect(countUnder('type/bench/')).toBe(105);
    expect(countUnder('site/site-001/')).toBe(279);
    expect(countUnder('site/site-002/')).toBe(279);
  });

  it("declares every document's layer as its folder and keeps passphrases encrypted", () => {
    for (const [path, docs] of docsByFile) {
      const layer = path.split('/')[0];
      for (const d of docs) {
        if (d.metadata.schema === 'metadata/Control/v1') continue;
        expect(d.metadata.layeringDefinition?.layer).toBe(layer);
        if (path.includes('/secrets/')) expect(d.metadata.storagePolicy).toBe('encrypted');
      }
    }
  });

  it('plans ~420-document sites exactly too', () => {
    expect(planLayout(420)).toEqual({ services: 83, chartGroups: 9, replacements: 20, nodes: 21, padding: 3 });
    expect(() => planLayout(20)).toThrow(RangeError);
  });

  it('renders a site without problems, through layering and a four-hop substitution chain', async () => {
    const problems = new Problems();
    const source = await loadSource([repo.root], { site: 'site-002' }, problems);
    const rendered = render(source.documents, problems);
    expect(problems.items.map(formatProblem)).toEqual([]);
    expect(source.documents).toHaveLength(500);
    expect(rendered).toHaveLength(repo.renderedPerSite);

    const chart = (name: string) =>
      // biome-ignore lint/suspicious/noExplicitAny: the test walks rendered chart data by known paths
      rendered.find((d) => d.schema === 'armada/Chart/v1' && d.metadata.name === name)!.data as Record<string, any>;
    // common-addresses .dns.domain → endpoints .domain → svc-001-config .endpoint → svc-001 chart.
    expect(chart('svc-001').values.endpoints.public).toBe('svc-001.site-002.bench.example');
    expect(chart('svc-001').values.conf.banner).toBe('svc-001 serving site-002.bench.example');
    expect(chart('svc-001').values.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' } }); // replace
    expect(chart('svc-002').values).not.toHaveProperty('legacy'); // delete
    expect(chart('svc-000').values.legacy).toEqual({ enabled: false, path: '/v0' }); // inherited
    // The site replacement of svc-003 keeps the type chart's substituted values.
    expect(chart('svc-003').values.image.tag).toBe('1.0.3-site1');
    expect(chart('svc-003').values.endpoints.public).toBe('svc-003.site-002.bench.example');
    expect(chart('svc-003').values.secrets.password).toBe('pw-site-002-3');
  });
});
