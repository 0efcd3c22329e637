// The git generator against a real file:// repository (the git CLI, no network).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SiteSet } from '../../operator/api/siteset-types.js';
import { type GitListingResult, generateSites } from './generate.js';
import { gitLister } from './git-generator.js';

const definition = (name: string, type: string) => `---
schema: pegleg/SiteDefinition/v1
metadata:
  schema: metadata/Document/v1
  name: ${name}
  layeringDefinition: {layer: site}
  storagePolicy: cleartext
data:
  site_type: ${type}
`;

function repo() {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-gitgen-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  const write = (file: string, text: string) => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  return {
    dir,
    url: `file://${dir}`,
    write,
    remove: (file: string) => rmSync(join(dir, file), { recursive: true }),
    commit: () => {
      git('add', '-A');
      git('commit', '-q', '-m', 'c');
      return git('rev-parse', 'HEAD');
    },
  };
}

const cacheDir = mkdtempSync(join(tmpdir(), 'slipway-gitgen-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const reader = { readSecret: async () => undefined, readConfigMap: async () => undefined };

describe('git generator', () => {
  it('lists site/*/site-definition.yaml with their types; only the wanted type becomes Sites', async () => {
    const r = repo();
    r.write('global/common.yaml', '---\nschema: x/Y/v1\nmetadata: {schema: metadata/Document/v1, name: c}\ndata: {}\n');
    r.write('site/edge1/site-definition.yaml', definition('edge1', 'edge'));
    r.write('site/core1/site-definition.yaml', definition('core1', 'core'));
    r.write('site/edge2/site-definition.yaml', definition('edge2', 'edge'));
    r.write('site/notasite/readme.yaml', '---\n{}\n');
    const commit = r.commit();
    let now = 0;
    const lister = gitLister({ reader, git: { cacheDir }, now: () => now });
    const gen = { url: r.url, ref: { branch: 'main' }, siteType: 'edge', interval: '1m' };
    const listing = (await lister.list('ns', gen)) as Exclude<GitListingResult, { error: string }>;
    expect(listing.revision).toBe(`main@sha1:${commit}`);
    expect(listing.sites).toEqual([
      { name: 'core1', type: 'core' },
      { name: 'edge1', type: 'edge' },
      { name: 'edge2', type: 'edge' },
    ]);
    const set: SiteSet = {
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'SiteSet',
      metadata: { name: 'fleet', namespace: 'ns', uid: 'u' },
      spec: {
        template: { spec: { source: { git: { url: r.url, ref: { branch: 'main' } } } } },
        generators: [{ git: gen }],
      },
    };
    const g = generateSites(set, new Map([[0, listing]]));
    expect(g.sites.map((s) => [s.name, s.spec.siteName])).toEqual([
      ['fleet-edge1', 'edge1'],
      ['fleet-edge2', 'edge2'],
    ]);

    // A removed folder shows once the interval has passed (or when forced), not before.
    r.remove('site/edge2');
    r.commit();
    expect(((await lister.list('ns', gen)) as { sites: unknown[] }).sites).toHaveLength(3);
    expect(lister.dueIn('ns', gen)).toBe(60_000);
    now = 60_000;
    expect(((await lister.list('ns', gen)) as { sites: unknown[] }).sites).toHaveLength(2);
  });

  it('a repository that cannot be read, or a bad site-definition, is a failure, never an empty list', async () => {
    const lister = gitLister({ reader, git: { cacheDir } });
    const missing = await lister.list('ns', { url: 'file:///nonexistent/repo', siteType: 'edge' });
    expect(missing).toMatchObject({ error: expect.stringMatching(/git ls-remote failed/) });

    const r = repo();
    r.write('site/edge1/site-definition.yaml', definition('edge1', 'edge'));
    r.write(
      'site/broken/site-definition.yaml',
      '---\nschema: pegleg/SiteDefinition/v1\nmetadata: {schema: metadata/Document/v1, name: broken}\ndata: {}\n',
    );
    r.commit();
    const listing = await lister.list('ns', { url: r.url, siteType: 'edge' });
    expect(listing).toMatchObject({
      sites: [{ name: 'edge1', type: 'edge' }],
      problems: [expect.stringContaining('has no data.site_type')],
    });
    const set = {
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'SiteSet',
      metadata: { name: 'f', uid: 'u' },
      spec: {
        template: { spec: { source: { git: { url: r.url } } } },
        generators: [{ git: { url: r.url, siteType: 'edge' } }],
      },
    } as SiteSet;
    const g = generateSites(set, new Map([[0, listing]]));
    expect(g.sites.map((s) => s.name)).toEqual(['f-edge1']);
    expect(g.complete).toBe(false);

    const noSites = repo();
    noSites.write('global/x.yaml', '---\n{}\n');
    noSites.commit();
    expect(await lister.list('ns', { url: noSites.url, siteType: 'edge' })).toMatchObject({
      error: expect.stringMatching(/no site\/ folder/),
    });
  });
});
