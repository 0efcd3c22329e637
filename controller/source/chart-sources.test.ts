import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseText } from '../documents/parse.js';
import { SourceFile } from '../documents/source-file.js';
import { planDocuments } from '../pipeline/plan-documents.js';
import { formatProblem, Problems } from '../problems/index.js';
import { rewriteGitSource, rewriteLocation, rewritesFromEnv } from './chart-location.js';
import { type ChartRequest, fetchChartSources } from './chart-sources.js';
import { chartFiles, git, startServer, type TestServer, tarball, writeTree } from './test-servers.js';

// Real tarballs and real git (git http-backend) served on 127.0.0.1 by the test itself.
let work: string;
let server: TestServer;
const files = new Map<string, Buffer>();
let repo: string;
let firstCommit: string;

const FILE = new SourceFile('site/charts.yaml', '---\nschema: armada/Chart/v1\n'.repeat(20));
const at = (line: number) => ({
  file: FILE,
  offset:
    FILE.text
      .split('\n')
      .slice(0, line - 1)
      .join('\n').length + (line > 1 ? 1 : 0),
});
const request = (
  name: string,
  source: ChartRequest['source'],
  dependencies: string[] = [],
  line = 2,
): ChartRequest => ({ name, chartName: name, source, dependencies, at: at(line) });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipway-chart-sources-'));
  await writeTree(join(work, 'tar-src'), {
    ...chartFiles('ingress', 'ingress', 'from the tarball'),
    ...chartFiles('other', 'other', 'x'),
  });
  files.set('/charts/ingress.tgz', await tarball(join(work, 'tar-src')));
  repo = join(work, 'git', 'osh-infra.git');
  await writeTree(join(work, 'clone'), {
    ...chartFiles('helm-toolkit', 'helm-toolkit', 'htk v1'),
    ...chartFiles('mariadb', 'mariadb', 'db v1'),
  });
  const clone = join(work, 'clone');
  await git(clone, 'init', '-q', '-b', 'master');
  await git(clone, 'add', '.');
  await git(clone, 'commit', '-q', '-m', 'one');
  await git(clone, 'tag', 'v1.0');
  firstCommit = await git(clone, 'rev-parse', 'HEAD');
  await git(work, 'clone', '-q', '--bare', clone, repo);
  server = await startServer(files, join(work, 'git'));
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

async function fetchAll(
  requests: ChartRequest[],
  cacheDir: string,
  extra: { offline?: boolean; rewrites?: { prefix: string; replacement: string }[] } = {},
) {
  const problems = new Problems();
  const charts = await fetchChartSources(requests, work, { cacheDir, ...extra }, problems);
  return { charts, problems: problems.items.map(formatProblem) };
}

async function commitToRepo(files: Record<string, string>, message: string): Promise<string> {
  const clone = join(work, 'clone');
  await writeTree(clone, files);
  await git(clone, 'add', '.');
  await git(clone, 'commit', '-q', '-m', message);
  await git(clone, 'push', '-q', '--force', repo, 'master');
  return git(clone, 'rev-parse', 'HEAD');
}

describe('chart sources', () => {
  it('tar over http: extracts into the cache, subpath inside; same bytes, same digest; new bytes, new digest; offline, the cached copy', async () => {
    const cache = join(work, 'cache-tar');
    const req = request('ingress', { type: 'tar', location: `${server.url}/charts/ingress.tgz`, subpath: 'ingress' });
    const a = await fetchAll([req], cache);
    expect(a.problems).toEqual([]);
    const chart = a.charts.get('ingress')!;
    expect(chart.path.startsWith(cache)).toBe(true);
    expect(await readFile(join(chart.path, 'values.yaml'), 'utf8')).toContain('from the tarball');
    expect((await fetchAll([req], cache)).charts.get('ingress')!.digest).toBe(chart.digest);

    const before = files.get('/charts/ingress.tgz')!;
    await writeTree(join(work, 'tar-src'), chartFiles('ingress', 'ingress', 'changed'));
    files.set('/charts/ingress.tgz', await tarball(join(work, 'tar-src')));
    const changed = (await fetchAll([req], cache)).charts.get('ingress')!;
    expect(changed.digest).not.toBe(chart.digest);

    files.delete('/charts/ingress.tgz'); // the server no longer has it: the last copy is used, and said so
    const gone = await fetchAll([req], cache);
    expect(gone.charts.get('ingress')!.digest).toBe(changed.digest);
    expect(gone.problems).toEqual([
      `site/charts.yaml:2: warning: ChartSourceOffline: ${server.url}/charts/ingress.tgz: using the cached copy (HTTP 404 Not Found)`,
    ]);
    files.set('/charts/ingress.tgz', before);
  });

  it('git over http: branch, tag and commit references; a moved branch is new content; a cached commit needs no server', async () => {
    const cache = join(work, 'cache-git');
    const url = `${server.url}/git/osh-infra.git`;
    const byBranch = request('mariadb', { type: 'git', location: url, reference: 'master', subpath: 'mariadb' });
    const byTag = request('mariadb-tag', { type: 'git', location: url, reference: 'v1.0', subpath: 'mariadb' });
    const byCommit = request('mariadb-pinned', {
      type: 'git',
      location: url,
      reference: firstCommit,
      subpath: 'mariadb',
    });
    const a = await fetchAll([byBranch, byTag, byCommit], cache);
    expect(a.problems).toEqual([]);
    const digests = ['mariadb', 'mariadb-tag', 'mariadb-pinned'].map((n) => a.charts.get(n)!.digest);
    expect(new Set(digests).size).toBe(1);
    expect(a.charts.get('mariadb')!.commit).toBe(firstCommit);

    const second = await commitToRepo(chartFiles('mariadb', 'mariadb', 'db v2'), 'two');
    const b = await fetchAll([byBranch, byTag, byCommit], cache);
    expect(b.charts.get('mariadb')!.commit).toBe(second);
    expect(b.charts.get('mariadb')!.digest).not.toBe(digests[0]);
    expect(b.charts.get('mariadb-tag')!.digest).toBe(digests[0]);
    expect(b.charts.get('mariadb-pinned')!.digest).toBe(digests[0]);

    // Offline: the pinned commit is simply there; the branch uses the commit last fetched, with a warning.
    const offline = await fetchAll([byBranch, byCommit], cache, { offline: true });
    expect(offline.charts.get('mariadb-pinned')!.digest).toBe(digests[0]);
    expect(offline.charts.get('mariadb')!.commit).toBe(second);
    expect(offline.problems).toEqual([
      `site/charts.yaml:2: warning: ChartSourceOffline: ${url}: using the cached copy (offline)`,
    ]);
  });

  it("rewrites a location by its longest matching prefix (git's insteadOf), so mirrors stand in for the real hosts", async () => {
    const rewrites = [
      { prefix: 'https://opendev.org/', replacement: 'https://wrong.example/' },
      { prefix: 'https://opendev.org/openstack/', replacement: `${server.url}/git/` },
    ];
    expect(rewriteLocation('https://opendev.org/openstack/osh-infra.git', rewrites)).toBe(
      `${server.url}/git/osh-infra.git`,
    );
    expect(rewriteLocation('https://example.com/x', rewrites)).toBe('https://example.com/x');
    expect(rewritesFromEnv(`a=b  https://x/=file:///m/ broken`)).toEqual({
      rewrites: [
        { prefix: 'a', replacement: 'b' },
        { prefix: 'https://x/', replacement: 'file:///m/' },
      ],
      invalid: ['broken'],
    });
    const r = await fetchAll(
      [
        request('htk', {
          type: 'git',
          location: 'https://opendev.org/openstack/osh-infra.git',
          reference: firstCommit,
          subpath: 'helm-toolkit',
        }),
      ],
      join(work, 'cache-rewrite'),
      { rewrites },
    );
    expect(r.problems).toEqual([]);
    expect(await readFile(join(r.charts.get('htk')!.path, 'Chart.yaml'), 'utf8')).toContain('helm-toolkit');
  });

  it("a rewrite whose prefix holds '#' matches a git source's location#reference and may pin another reference (a mirror without the pinned commit)", async () => {
    const pin = '97ce6d7d8e9a090c748800d69a57bbd9af698b60';
    const rewrites = [
      { prefix: 'https://opendev.org/openstack/', replacement: 'https://wrong.example/' },
      {
        prefix: `https://opendev.org/openstack/osh-infra.git#${pin}`,
        replacement: `${server.url}/git/osh-infra.git#${firstCommit}`,
      },
    ];
    expect(rewriteGitSource('https://opendev.org/openstack/osh-infra.git', pin, rewrites)).toEqual({
      url: `${server.url}/git/osh-infra.git`,
      reference: firstCommit,
    });
    // another reference of the same location: only the location prefix matches
    expect(rewriteGitSource('https://opendev.org/openstack/osh-infra.git', 'master', rewrites)).toEqual({
      url: 'https://wrong.example/osh-infra.git',
      reference: 'master',
    });
    // a replacement without '#' keeps the reference
    expect(rewriteGitSource('https://a/x', 'v1', [{ prefix: 'https://a/x#v1', replacement: 'https://b/y' }])).toEqual({
      url: 'https://b/y',
      reference: 'v1',
    });
    const r = await fetchAll(
      [
        request('htk', {
          type: 'git',
          location: 'https://opendev.org/openstack/osh-infra.git',
          reference: pin,
          subpath: 'helm-toolkit',
        }),
      ],
      join(work, 'cache-rewrite-pin'),
      { rewrites },
    );
    expect(r.problems).toEqual([]);
    expect(r.charts.get('htk')!.commit).toBe(firstCommit);
  });

  it('composes Armada dependencies into charts/<chart_name>, and their content is in the digest', async () => {
    const cache = join(work, 'cache-deps');
    const url = `${server.url}/git/osh-infra.git`;
    const htk = request('helm-toolkit', {
      type: 'git',
      location: url,
      reference: firstCommit,
      subpath: 'helm-toolkit',
    });
    const db = request('mariadb', { type: 'git', location: url, reference: firstCommit, subpath: 'mariadb' }, [
      'helm-toolkit',
    ]);
    const { charts, problems } = await fetchAll([db, htk], cache);
    expect(problems).toEqual([]);
    const composed = charts.get('mariadb')!;
    expect((await stat(join(composed.path, 'charts', 'helm-toolkit', 'Chart.yaml'))).isFile()).toBe(true);
    const alone = (await fetchAll([request('mariadb', db.source)], cache)).charts.get('mariadb')!;
    expect(alone.digest).not.toBe(composed.digest);
  });

  it("says which source cannot be had and why, at the chart's file:line", async () => {
    const cache = join(work, 'cache-fail');
    const closed = await startServer(new Map());
    await closed.close(); // a port nothing listens on any more
    const { charts, problems } = await fetchAll(
      [
        request('a', { type: 'tar', location: `${closed.url}/x.tgz`, subpath: '.' }, [], 3),
        request(
          'b',
          { type: 'git', location: `${server.url}/git/osh-infra.git`, reference: firstCommit, subpath: 'nope' },
          [],
          5,
        ),
        request(
          'c',
          { type: 'git', location: `${server.url}/git/osh-infra.git`, reference: 'no-such-branch', subpath: '.' },
          [],
          7,
        ),
        request(
          'd',
          { type: 'git', location: `${server.url}/git/missing.git`, reference: 'master', subpath: '.' },
          [],
          9,
        ),
        request('e', { type: 'hg', location: 'https://x/y', subpath: '.' }, [], 11),
      ],
      cache,
    );
    expect(charts.size).toBe(0);
    expect(problems[0]).toBe(
      "site/charts.yaml:11: UnsupportedChartSource: chart e: source type 'hg' is not one of local, tar, git",
    );
    expect(problems[1]).toBe(
      `site/charts.yaml:3: ChartSourceUnavailable: ${closed.url}/x.tgz: ECONNREFUSED, and there is no cached copy`,
    );
    expect(problems[2]).toBe(
      `site/charts.yaml:5: ChartSourceUnavailable: ${server.url}/git/osh-infra.git: no chart at subpath 'nope'`,
    );
    expect(problems[3]).toBe(
      `site/charts.yaml:7: ChartSourceUnavailable: ${server.url}/git/osh-infra.git: reference 'no-such-branch' is neither a branch nor a tag nor a commit of the repository`,
    );
    expect(problems[4]).toMatch(
      new RegExp(
        `^site/charts\\.yaml:9: ChartSourceUnavailable: ${server.url.replace(/[.]/g, '\\.')}/git/missing\\.git: .+, and there is no cached copy$`,
      ),
    );
    expect(problems.length).toBe(5);
  });

  it("the pipeline fetches before planning: a release's digest follows the branch it comes from", async () => {
    const cache = join(work, 'cache-pipeline');
    const url = `${server.url}/git/osh-infra.git`;
    const text = (location: string) =>
      '---\nschema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: lp}\ndata: {layerOrder: [site]}\n' +
      '---\nschema: armada/Manifest/v1\nmetadata: {schema: metadata/Document/v1, name: m, storagePolicy: cleartext, layeringDefinition: {layer: site}}\ndata: {release_prefix: p, chart_groups: [g]}\n' +
      '---\nschema: armada/ChartGroup/v1\nmetadata: {schema: metadata/Document/v1, name: g, storagePolicy: cleartext, layeringDefinition: {layer: site}}\ndata: {chart_group: [db]}\n' +
      `---\nschema: armada/Chart/v1\nmetadata: {schema: metadata/Document/v1, name: db, storagePolicy: cleartext, layeringDefinition: {layer: site}}\ndata: {chart_name: mariadb, release: db, namespace: ns, values: {}, source: {type: git, location: '${location}', reference: master, subpath: mariadb}, dependencies: []}\n`;
    const planOnce = async (location: string, rewrites: { prefix: string; replacement: string }[] = []) => {
      const problems = new Problems();
      const documents = parseText('site.yaml', text(location), problems);
      const outcome = await planDocuments(documents, { root: work, sources: { cacheDir: cache, rewrites } }, problems);
      return { outcome, problems: problems.items.map(formatProblem) };
    };
    const a = await planOnce('https://git.example.invalid/osh-infra.git', [
      { prefix: 'https://git.example.invalid/', replacement: `${server.url}/git/` },
    ]);
    expect(a.problems).toEqual([]);
    if (!('workflow' in a.outcome)) throw new Error('expected a workflow');
    const step = a.outcome.workflow.phases[0]!.steps[0]!;
    expect(step.kind === 'release' && step.spec.chartPath.startsWith(cache)).toBe(true);
    expect((await planOnce(url)).outcome).toMatchObject({ workflow: { digest: a.outcome.workflow.digest } });
    await commitToRepo(chartFiles('mariadb', 'mariadb', 'db v3'), 'three');
    const moved = await planOnce(url);
    if (!('workflow' in moved.outcome)) throw new Error('expected a workflow');
    expect(moved.outcome.workflow.phases[0]!.steps[0]!.digest).not.toBe(step.digest);
    const broken = await planOnce(`${server.url}/git/missing.git`);
    expect(broken.outcome).toMatchObject({ failed: 'source' });
    expect(broken.problems[0]).toMatch(
      /^site\.yaml:\d+: ChartSourceUnavailable: http:\/\/127\.0\.0\.1:\d+\/git\/missing\.git: /,
    );
  });
  it("a local folder or tar file outside the site's repository is PathOutsideRepository at source.location, named by its document; a subpath out of a tarball too; a mirror rewrite may point anywhere", async () => {
    const cache = join(work, 'cache-contain');
    const repoDir = join(work, 'contain-repo');
    await writeTree(join(repoDir, 'charts'), chartFiles('app', 'app', 'inside'));
    await mkdir(join(repoDir, '.git'), { recursive: true });
    await symlink(join(work, 'tar-src'), join(repoDir, 'charts', 'linked'));
    const text = (source: string) =>
      '---\nschema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: lp}\ndata: {layerOrder: [site]}\n' +
      '---\nschema: armada/Manifest/v1\nmetadata: {schema: metadata/Document/v1, name: m, storagePolicy: cleartext, layeringDefinition: {layer: site}}\ndata: {release_prefix: p, chart_groups: [g]}\n' +
      '---\nschema: armada/ChartGroup/v1\nmetadata: {schema: metadata/Document/v1, name: g, storagePolicy: cleartext, layeringDefinition: {layer: site}}\ndata: {chart_group: [app]}\n' +
      '---\nschema: armada/Chart/v1\nmetadata: {schema: metadata/Document/v1, name: app, storagePolicy: cleartext, layeringDefinition: {layer: site}}\n' +
      `data:\n  chart_name: app\n  release: app\n  namespace: ns\n  values: {}\n  dependencies: []\n  source:\n    ${source}\n`;
    const planOnce = async (source: string, rewrites: { prefix: string; replacement: string }[] = []) => {
      const problems = new Problems();
      const documents = parseText('site.yaml', text(source), problems);
      const outcome = await planDocuments(
        documents,
        { root: repoDir, sources: { cacheDir: cache, rewrites } },
        problems,
      );
      return { outcome, problems: problems.items.map((p) => formatProblem(p).replaceAll(work, 'WORK')) };
    };
    expect((await planOnce('{type: local, location: charts/app}')).problems).toEqual([]);
    // The document starts at line 14, `source:` is line 22 and its location is written on line 23.
    expect((await planOnce('{type: local, location: /etc}')).problems).toEqual([
      "site.yaml:23: PathOutsideRepository: chart app: source location '/etc' resolves to /etc, outside the site's repository",
    ]);
    expect((await planOnce('{type: local, location: charts, subpath: ../../tar-src}')).problems).toEqual([
      "site.yaml:23: PathOutsideRepository: chart app: source location 'charts' resolves to WORK/tar-src, outside the site's repository",
    ]);
    expect((await planOnce('{type: local, location: charts/linked}')).problems).toEqual([
      "site.yaml:23: PathOutsideRepository: chart app: source location 'charts/linked' resolves to WORK/tar-src, outside the site's repository",
    ]);
    expect((await planOnce('{type: tar, location: /etc/passwd}')).problems).toEqual([
      "site.yaml:23: PathOutsideRepository: chart app: source location '/etc/passwd' resolves to /etc/passwd, outside the site's repository",
    ]);
    const fileUrl = await planOnce("{type: tar, location: 'file:///etc/passwd'}");
    expect(fileUrl.outcome).toMatchObject({ failed: 'source' });
    expect(fileUrl.problems).toEqual([
      expect.stringContaining(
        "PathOutsideRepository: chart app: source location 'file:///etc/passwd' resolves to /etc/passwd",
      ),
    ]);
    const escaped = await planOnce(`{type: tar, location: '${server.url}/charts/ingress.tgz', subpath: ../../../..}`);
    expect(escaped.problems).toEqual([
      expect.stringMatching(
        /^site\.yaml:\d+: PathOutsideRepository: chart app: source subpath '\.\.\/\.\.\/\.\.\/\.\.' leads outside http:/,
      ),
    ]);
    // An operator's rewrite to a mirror folder outside the repository is theirs to make.
    const tgz = join(work, 'mirror', 'ingress.tgz');
    await mkdir(join(work, 'mirror'), { recursive: true });
    await writeTree(join(work, 'mirror-src'), chartFiles('ingress', 'ingress', 'mirrored'));
    await writeFile(tgz, await tarball(join(work, 'mirror-src')));
    const mirrored = await planOnce(
      "{type: tar, location: 'https://charts.example.invalid/ingress.tgz', subpath: ingress}",
      [{ prefix: 'https://charts.example.invalid/', replacement: `${join(work, 'mirror')}/` }],
    );
    expect(mirrored.problems).toEqual([]);
  });
});
