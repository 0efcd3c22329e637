// SiteSet with a git generator: every site/* folder of a file:// Pegleg repository (a copy
// of site-manifests/ and charts/) whose site_type matches becomes a Site that follows the
// same repository. The Site controller uses the fake drivers here (the example sites have
// bare-metal nodes); what is under test is the SiteSet controller's git path: listing,
// filtering by type, a folder removed in a new commit (prune: true → its Site deleted),
// and an unreadable repository (Stalled, nothing deleted).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCrds,
  applyObject,
  type ControllerProcess,
  cleanUp,
  cond,
  createNamespace,
  getSiteSet,
  kubectl,
  listSites,
  repoRoot,
  setSpec,
  siteReady,
  siteSetObject,
  startController,
  waitFor,
} from './fleet-harness.js';

let ns = '';
let controller: ControllerProcess | undefined;
let repo = '';
const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();

describe('SiteSet git generator (file:// Pegleg repository)', () => {
  beforeAll(() => {
    applyCrds();
    repo = mkdtempSync(path.join(tmpdir(), 'slipway-fleet-git-'));
    cpSync(path.join(repoRoot, 'site-manifests'), path.join(repo, 'site-manifests'), { recursive: true });
    cpSync(path.join(repoRoot, 'charts'), path.join(repo, 'charts'), { recursive: true });
    // one site of another type, which the generator must leave out
    cpSync(path.join(repo, 'site-manifests', 'site', 'lab'), path.join(repo, 'site-manifests', 'site', 'core-01'), {
      recursive: true,
    });
    const def = path.join(repo, 'site-manifests', 'site', 'core-01', 'site-definition.yaml');
    writeFileSync(def, readFileSync(def, 'utf8').replace(/site_type: edge/, 'site_type: core'));
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    git('add', '-A');
    git('commit', '-q', '-m', 'sites');
    ns = createNamespace('fleet-git-e2e');
    controller = startController(ns, { SLIPWAY_DRIVERS: 'fake' });
  });
  afterAll(async () => {
    if (ns) await cleanUp(ns, controller);
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('one Site per site folder of the type; a folder removed in a commit → its Site deleted (prune: true)', async () => {
    const url = `file://${repo}`;
    applyObject(
      siteSetObject('edge', ns, {
        prune: true,
        generators: [
          { git: { url, ref: { branch: 'main' }, path: 'site-manifests', siteType: 'edge', interval: '2s' } },
        ],
        template: {
          spec: { source: { git: { url, ref: { branch: 'main' }, path: 'site-manifests', interval: '1m' } } },
        },
        strategy: { waves: [{ count: 1 }] },
      }),
    );
    const ready = async () => {
      const s = await getSiteSet(ns, 'edge');
      return cond(s, 'Ready')?.status === 'True' && s.status?.observedGeneration === s.metadata.generation ? s : false;
    };
    await waitFor('SiteSet Ready', ready);
    const sites = await listSites(ns);
    expect(sites.map((s) => [s.metadata.name, s.spec.siteName]).sort()).toEqual([
      ['edge-edge-01', 'edge-01'],
      ['edge-edge-02', 'edge-02'],
      ['edge-lab', 'lab'],
    ]);
    // The SiteSet reads Ready from a cache; a Site may be a moment into a re-check when it is listed.
    const allReady = await waitFor('every Site Ready', async () => {
      const now = await listSites(ns);
      return now.length === 3 && now.every(siteReady) ? now : false;
    });
    expect(allReady.every(siteReady)).toBe(true);
    expect(sites[0]!.status!.lastAppliedRevision).toMatch(/^main@sha1:[0-9a-f]{40}$/);

    git('rm', '-q', '-r', 'site-manifests/site/edge-02');
    git('commit', '-q', '-m', 'edge-02 retired');
    await waitFor(
      'edge-edge-02 deleted',
      async () => !(await listSites(ns)).some((s) => s.metadata.name === 'edge-edge-02'),
      120_000,
      500,
    );
    const set = await waitFor('SiteSet Ready with 2 Sites', async () => {
      const s = await ready();
      return s && s.status?.counts?.total === 2 ? s : false;
    });
    expect(set.status!.sites!.map((s) => s.name)).toEqual(['edge-edge-01', 'edge-lab']);
  });

  it('an unreadable repository: Stalled with the git error, no Site deleted', async () => {
    await setSpec(ns, 'edge', (spec) => (spec.generators[0]!.git!.url = `file://${repo}-missing`));
    const set = await waitFor('SiteSet Stalled', async () => {
      const s = await getSiteSet(ns, 'edge');
      return cond(s, 'Stalled')?.status === 'True' && s.status?.observedGeneration === s.metadata.generation
        ? s
        : false;
    });
    expect(cond(set, 'Stalled')).toMatchObject({
      reason: 'GeneratorFailed',
      message: expect.stringMatching(/git ls-remote failed.*no Site is deleted/s),
    });
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await listSites(ns)).map((s) => s.metadata.name).sort()).toEqual(['edge-edge-01', 'edge-lab']);
    kubectl(['-n', ns, 'get', 'siteset', 'edge']);
  });
});
