import { describe, expect, it } from 'vitest';
import { SITE_NAME_LABEL, SITESET_LABEL, type SiteSet } from '../../operator/api/siteset-types.js';
import { SHARD_LABEL, shardFor } from '../../operator/sharding.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';
import { type GitListingResult, generateSites, generateSitesYielding } from './generate.js';
import { fillTemplate, type Unresolved } from './template.js';
import { siteSet } from './test-fixtures.js';

describe('fillTemplate', () => {
  it.each([
    ['{{siteName}}', 'lab1'],
    ['{{ .siteName }}-x', 'lab1-x'],
    ['vlan {{values.vlan}}/{{ .values.vlan }}', 'vlan 10/10'],
    ['no placeholder', 'no placeholder'],
    ['{{ other }}', '{{ other }}'],
  ])('%s → %s', (text, out) => {
    const unresolved: Unresolved[] = [];
    expect(fillTemplate(text, { siteName: 'lab1', values: { vlan: '10' } }, unresolved)).toBe(out);
    expect(unresolved).toEqual([]);
  });

  it('names the path of a placeholder without a value and leaves keys alone', () => {
    const unresolved: Unresolved[] = [];
    const out = fillTemplate(
      { '{{siteName}}': [{ x: '{{values.missing}}' }] },
      { siteName: 's', values: {} },
      unresolved,
      'spec',
    );
    expect(out).toEqual({ '{{siteName}}': [{ x: '{{values.missing}}' }] });
    expect(unresolved).toEqual([{ path: 'spec.{{siteName}}[0].x', placeholder: '{{values.missing}}' }]);
  });
});

describe('generateSites', () => {
  it('spreads the Sites over spec.shards by a stable hash; a label set by the element wins', () => {
    const sharded = siteSet((s) => {
      s.spec.shards = ['shard-1', 'shard-2'];
      s.spec.generators[0]!.list!.elements[2]!.labels = { [SHARD_LABEL]: 'pinned' };
    });
    const shardOf = (g: ReturnType<typeof generateSites>) => g.sites.map((x) => x.labels[SHARD_LABEL]);
    const [a, b, c] = shardOf(generateSites(sharded));
    expect([a, b]).toEqual([shardFor('a', ['shard-1', 'shard-2']), shardFor('b', ['shard-1', 'shard-2'])]);
    expect(['shard-1', 'shard-2']).toContain(a);
    expect(c).toBe('pinned');
    expect(shardOf(generateSites(siteSet()))).toEqual([undefined, undefined, undefined]);
  });

  it('fills the template per list element: name, labels, siteName, values, digest annotation', () => {
    const g = generateSites(siteSet());
    expect(g.complete).toBe(true);
    expect(g.problems).toEqual([]);
    expect(g.sites.map((s) => s.name)).toEqual(['edge-a', 'edge-b', 'edge-c']);
    const a = g.sites[0]!;
    expect(a.spec.siteName).toBe('a');
    expect(a.labels).toEqual({ tier: 'edge', ring: 'canary', [SITESET_LABEL]: 'edge', [SITE_NAME_LABEL]: 'a' });
    expect(a.annotations[SPEC_DIGEST_ANNOTATION]).toBe(a.specDigest);
    const data = (a.spec.source.inline!.documents![0] as { data: { values: { data: Record<string, string> } } }).data
      .values.data;
    expect(data).toEqual({ site: 'a', vlan: '10' });
    expect(g.revision).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  const base = generateSites(siteSet());
  const git = (sites: { name: string; type: string }[]): Map<number, GitListingResult> =>
    new Map([[0, { sites, revision: 'main@sha1:abc' }]]);
  const gitSet = siteSet((s) => {
    s.spec.generators = [{ git: { url: 'file:///repo', siteType: 'edge' } }];
    s.spec.template.spec = { source: { git: { url: 'file:///repo' } } };
  });

  it.each<{
    name: string;
    set?: (s: SiteSet) => void;
    gitSet?: boolean;
    listing?: Map<number, GitListingResult>;
    sites: string[];
    complete: boolean;
    problems?: string[];
    sameRevision?: boolean;
  }>([
    {
      name: 'unchanged input → same revision',
      sites: ['edge-a', 'edge-b', 'edge-c'],
      complete: true,
      sameRevision: true,
    },
    {
      name: 'a template change → new revision',
      set: (s) => (s.spec.template.spec.timeout = '5m'),
      sites: ['edge-a', 'edge-b', 'edge-c'],
      complete: true,
      sameRevision: false,
    },
    {
      name: 'a strategy change keeps the revision',
      set: (s) => (s.spec.strategy = { maxParallel: 1 }),
      sites: ['edge-a', 'edge-b', 'edge-c'],
      complete: true,
      sameRevision: true,
    },
    {
      name: 'a value without a placeholder value → that site is not generated, incomplete',
      set: (s) => delete s.spec.generators[0]!.list!.elements[1]!.values,
      sites: ['edge-a', 'edge-c'],
      complete: false,
      problems: [
        'TemplateError: site b: no value for {{ .values.vlan }} at template.spec.source.inline.documents[0].data.values.data.vlan',
      ],
    },
    {
      name: 'a duplicate siteName across generators → the first wins, still complete',
      set: (s) =>
        s.spec.generators.push({
          list: {
            elements: [
              { siteName: 'a', values: { vlan: '1' } },
              { siteName: 'd', values: { vlan: '40' } },
            ],
          },
        }),
      sites: ['edge-a', 'edge-b', 'edge-c', 'edge-d'],
      complete: true,
      problems: ['DuplicateSite: site a of generator 1 is already listed by generator 0; the first one is used'],
    },
    {
      name: 'a name that is no DNS label → not generated, incomplete',
      set: (s) => (s.spec.generators[0]!.list!.elements[0]!.siteName = 'Bad_Name'),
      sites: ['edge-b', 'edge-c'],
      complete: false,
      problems: [
        "InvalidSiteName: site name 'Bad_Name' is not a DNS label (lower-case letters, digits and '-', at most 63)",
      ],
    },
    {
      name: 'a value that makes the Site spec invalid → not generated, incomplete',
      set: (s) => {
        s.spec.template.spec.target = { kubeconfigSecretRef: { name: 'kc-{{values.vlan}}' } };
        s.spec.generators[0]!.list!.elements[1]!.values = { vlan: 'Not_A_Name' };
      },
      sites: ['edge-a', 'edge-c'],
      complete: false,
      problems: [
        expect.stringMatching(
          /^InvalidSite: site b: the generated Site spec is invalid: .*target.kubeconfigSecretRef.name/,
        ) as unknown as string,
      ],
    },
    {
      name: 'git: folders of the wanted site_type, by name',
      gitSet: true,
      listing: git([
        { name: 'z1', type: 'edge' },
        { name: 'core1', type: 'core' },
        { name: 'a1', type: 'edge' },
      ]),
      sites: ['edge-a1', 'edge-z1'],
      complete: true,
    },
    {
      name: 'git: no site of the type → empty, incomplete',
      gitSet: true,
      listing: git([{ name: 'core1', type: 'core' }]),
      sites: [],
      complete: false,
      problems: [
        "GeneratorEmpty: generator 0 found no site of type 'edge' in file:///repo at main@sha1:abc (site types there: core)",
      ],
    },
    {
      name: 'git: fetch failed → incomplete',
      gitSet: true,
      listing: new Map([[0, { error: 'git ls-remote failed: no such repo' }]]),
      sites: [],
      complete: false,
      problems: ['GeneratorFailed: generator 0: git ls-remote failed: no such repo'],
    },
    {
      name: 'git: not read yet → incomplete',
      gitSet: true,
      sites: [],
      complete: false,
      problems: ['GeneratorFailed: generator 0: file:///repo has not been read'],
    },
  ])('$name', (row) => {
    const set = row.gitSet ? structuredClone(gitSet) : siteSet(row.set);
    const g = generateSites(set, row.listing);
    expect(g.sites.map((s) => s.name)).toEqual(row.sites);
    expect(g.complete).toBe(row.complete);
    expect(g.problems.map((p) => `${p.reason}: ${p.message}`)).toEqual(row.problems ?? []);
    if (row.sameRevision !== undefined) expect(g.revision === base.revision).toBe(row.sameRevision);
  });

  it('git sites get siteName from the folder and {{siteName}} filled', () => {
    const set = structuredClone(gitSet);
    set.spec.template.spec.source.git!.path = 'repos/{{siteName}}';
    const g = generateSites(set, git([{ name: 'lab1', type: 'edge' }]));
    expect(g.sites[0]!.spec).toEqual({
      source: { git: { url: 'file:///repo', path: 'repos/lab1' } },
      siteName: 'lab1',
    });
  });

  it("changing one element's values changes that site's digest and the revision, not the others'", () => {
    const g = generateSites(siteSet((s) => (s.spec.generators[0]!.list!.elements[2]!.values = { vlan: '31' })));
    expect(g.sites.map((s) => s.specDigest === base.sites.find((b) => b.name === s.name)!.specDigest)).toEqual([
      true,
      true,
      false,
    ]);
    expect(g.revision).not.toBe(base.revision);
  });
});

describe('generateSitesYielding', () => {
  it('generates what generateSites does, and lets the event loop run before it is done', async () => {
    const elements = Array.from({ length: 250 }, (_, i) => ({ siteName: `s${i}`, values: { vlan: String(i) } }));
    const set = siteSet((s) => {
      s.spec.generators = [{ list: { elements } }, { list: { elements: [{ siteName: 's3' }] } }];
    });
    let done = false;
    let ranBeforeDone = false;
    setImmediate(() => {
      ranBeforeDone = !done;
    });
    const generated = await generateSitesYielding(set, new Map(), 50);
    done = true;
    expect(ranBeforeDone).toBe(true);
    expect(generated).toEqual(generateSites(set));
    expect(generated.sites).toHaveLength(250);
    expect(generated.problems.map((p) => p.reason)).toEqual(['DuplicateSite']);
  });
});
