import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, Problems } from '../problems/index.js';
import { locationOutsideRepository, resolveChartLocation } from './chart-location.js';
import { isInside, isPlainSegment, repositoryRoot } from './containment.js';
import { loadSource } from './index.js';
import { readUserFile, readUserFileSync } from './read-user-file.js';

let dir: string;
const def = (type: string) =>
  `schema: pegleg/SiteDefinition/v1\nmetadata:\n  schema: metadata/Document/v1\n  name: lab\n  storagePolicy: cleartext\n  layeringDefinition: {abstract: false, layer: site}\ndata:\n  site_type: ${type}\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-contain-'));
  await mkdir(join(dir, 'repo/site/lab'), { recursive: true });
  await mkdir(join(dir, 'repo/type/edge'), { recursive: true });
  await mkdir(join(dir, 'repo/charts/app'), { recursive: true });
  await mkdir(join(dir, 'outside'), { recursive: true });
  await writeFile(join(dir, 'repo/site/lab/site-definition.yaml'), def('edge'));
  await symlink(join(dir, 'outside'), join(dir, 'repo/charts/linked'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(site: string, type = 'edge') {
  await writeFile(join(dir, 'repo/site/lab/site-definition.yaml'), def(type));
  const problems = new Problems();
  await loadSource([join(dir, 'repo')], { site }, problems);
  return problems.items.map(formatProblem).map((p) => p.replace(dir, 'DIR'));
}

describe('containment', () => {
  it('plain segments and insideness', () => {
    expect(['lab', 'edge-01', 'a.b'].every(isPlainSegment)).toBe(true);
    expect(['', '.', '..', '../x', 'a/b', '/etc', 'a\\b'].some(isPlainSegment)).toBe(false);
    expect(isInside('/r', '/r/a/b')).toBe(true);
    expect(isInside('/r', '/r')).toBe(true);
    expect(isInside('/r', '/rx')).toBe(false);
    expect(isInside('/r', '/etc')).toBe(false);
  });
  it('a site name or type that leaves its folder is PathOutsideRepository; a missing type is SiteTypeNotFound', async () => {
    expect(await load('../site/lab')).toEqual([
      expect.stringContaining("PathOutsideRepository: site '../site/lab' is not a folder name"),
    ]);
    expect(await load('lab', '../../x')).toEqual([
      expect.stringMatching(/site-definition\.yaml:8: PathOutsideRepository: .*site_type '\.\.\/\.\.\/x'/),
    ]);
    expect(await load('lab', 'no-such-type')).toEqual([
      expect.stringMatching(/site-definition\.yaml:8: SiteTypeNotFound: .*types in this repository: edge/),
    ]);
    expect(await load('lab')).toEqual([]);
  });
  it('chart locations outside the repository, symlinks resolved; outside git, the folder holding the site folder is the repository', async () => {
    const site = join(dir, 'repo/site');
    expect(await repositoryRoot(site)).toBe(join(dir, 'repo'));
    const repo = join(dir, 'repo');
    const outside = (source: Record<string, string>, rewrites: { prefix: string; replacement: string }[] = []) => {
      const resolved = resolveChartLocation(source, repo, rewrites);
      if ('error' in resolved) throw new Error(resolved.error.message);
      return locationOutsideRepository(resolved, repo);
    };
    expect(await outside({ type: 'local', location: 'charts/app' })).toBeUndefined();
    expect(await outside({ type: 'local', location: 'charts/linked' })).toBe(join(dir, 'outside'));
    expect(await outside({ type: 'local', location: '/etc' })).toBe('/etc');
    expect(await outside({ type: 'local', location: 'charts', subpath: '../../outside' })).toBe(join(dir, 'outside'));
    expect(await outside({ type: 'tar', location: '/etc/passwd' })).toBe('/etc/passwd');
    expect(await outside({ type: 'tar', location: 'file:///etc/passwd' })).toBe('/etc/passwd');
    expect(await outside({ type: 'tar', location: '../outside/c.tgz' })).toBe(join(dir, 'outside/c.tgz'));
    expect(await outside({ type: 'tar', location: 'charts/app.tgz' })).toBeUndefined();
    // Network locations are fetched into the cache; a location a mirror rewrite chose is the operator's.
    expect(await outside({ type: 'tar', location: 'https://charts.example.test/c.tgz' })).toBeUndefined();
    expect(
      await outside({ type: 'tar', location: 'https://charts.example.test/c.tgz' }, [
        { prefix: 'https://charts.example.test/', replacement: '/srv/mirror/' },
      ]),
    ).toBeUndefined();
  });
  it('a git work tree is the repository: charts beside the site folder are inside it', async () => {
    await mkdir(join(dir, 'repo/.git'), { recursive: true });
    await mkdir(join(dir, 'repo/site-manifests'), { recursive: true });
    expect(await repositoryRoot(join(dir, 'repo/site-manifests'))).toBe(join(dir, 'repo'));
    await rm(join(dir, 'repo/.git'), { recursive: true });
  });
});

describe('reading a file the user named', () => {
  it('a FIFO is refused without being opened (this would block), a device too, EIO is named', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    expect(await readUserFile(join(dir, 'pipe.yaml'), 'pipe.yaml')).toEqual({
      ok: false,
      code: 'NotARegularFile',
      message: 'pipe.yaml is a FIFO (named pipe), not a regular file',
    });
    expect(await readUserFile('/dev/null', '/dev/null')).toMatchObject({ ok: false, code: 'NotARegularFile' });
    expect(await readUserFile('/proc/self/mem', '/proc/self/mem')).toEqual({
      ok: false,
      code: 'FileNotReadable',
      message: '/proc/self/mem: input/output error (EIO)',
    });
    expect(await readUserFile(join(dir, 'nope.yaml'), 'nope.yaml')).toEqual({
      ok: false,
      code: 'SourceNotFound',
      message: 'nope.yaml: no such file or directory',
    });
  });
  it("the synchronous read (a site's many files) makes the same checks", async () => {
    for (const [abs, shown] of [
      [join(dir, 'pipe.yaml'), 'pipe.yaml'],
      ['/dev/null', '/dev/null'],
      ['/proc/self/mem', '/proc/self/mem'],
      [join(dir, 'nope.yaml'), 'nope.yaml'],
      [join(dir, 'repo/site/lab/site-definition.yaml'), 'def.yaml'],
    ]) {
      expect(readUserFileSync(abs!, shown!)).toEqual(await readUserFile(abs!, shown!));
    }
    expect(readUserFileSync(join(dir, 'repo/site/lab/site-definition.yaml'), 'def.yaml')).toMatchObject({
      ok: true,
      text: expect.stringContaining('pegleg/SiteDefinition/v1'),
    });
  });
});
