// (b) A Site following a file:// git repository made in a temp dir (the documents of a
// small site + charts/demo-config): Ready at the first commit; a commit that changes one
// value → exactly one release upgraded (one more Helm revision), lastAppliedRevision moves.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../controller/operator/api/types.js';
import { testDocuments } from '../controller/operator/reconcile/sample-site.js';
import {
  applyCrds,
  applySite,
  type ControllerProcess,
  cleanupNamespace,
  cond,
  createNamespace,
  getSite,
  helmRevisions,
  kubectl,
  repoRoot,
  startController,
  waitFor,
} from './operator-harness.js';

let ctl: ControllerProcess | undefined;
let ns = '';
const figures: Record<string, unknown> = {};

beforeAll(() => applyCrds());
afterAll(async () => {
  await ctl?.kill('SIGTERM');
  if (ns) cleanupNamespace(ns);
  console.log(`operator git figures: ${JSON.stringify(figures)}`);
});

function makeRepo(value: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-site-repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'e2e@example.com');
  git('config', 'user.name', 'e2e');
  cpSync(path.join(repoRoot, 'charts', 'demo-config'), path.join(dir, 'charts', 'demo-config'), { recursive: true });
  const write = (v: string) => {
    mkdirSync(path.join(dir, 'site'), { recursive: true });
    // Chart locations are relative to the site folder: ../charts/demo-config.
    const docs = testDocuments({
      name: 'gitsite',
      namespace: ns,
      releases: 3,
      nodes: 0,
      chartLocation: '../charts/demo-config',
    });
    const chart = docs.find((d) => (d.metadata as { name: string }).name === 'cfg-1') as {
      data: { values: { data: { value: string } } };
    };
    chart.data.values.data.value = v;
    writeFileSync(path.join(dir, 'site', 'site.yaml'), docs.map((d) => `---\n${dump(d)}`).join(''));
    git('add', '-A');
    git('commit', '-q', '-m', `value ${v}`);
    return git('rev-parse', 'HEAD');
  };
  return { dir, commit: write, first: write(value) };
}

describe('slipway controller: a Site following a git repository', () => {
  it('(b) a new commit changing one value upgrades exactly one release and moves lastAppliedRevision', async () => {
    ns = createNamespace('op-git');
    const repo = makeRepo('one');
    ctl = startController({
      args: ['--namespace', ns, '--git-cache-dir', mkdtempSync(path.join(tmpdir(), 'slipway-gitcache-'))],
    });
    const site: Site = {
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'Site',
      metadata: { name: 'gitsite', namespace: ns },
      spec: { source: { git: { url: `file://${repo.dir}`, ref: { branch: 'main' }, path: 'site', interval: '1m' } } },
    };
    applySite(site);
    kubectl(['wait', '--for=condition=Ready', 'site/gitsite', '-n', ns, '--timeout=180s']);
    const first = getSite(ns, 'gitsite')!;
    expect(first.status?.lastAppliedRevision).toBe(`main@sha1:${repo.first}`);
    const before = helmRevisions(ns);
    expect([...before.values()].map((r) => r.length)).toEqual([1, 1, 1]);

    const second = repo.commit('two');
    const t0 = Date.now();
    // The interval would find it within a minute; requestedAt asks for it now.
    kubectl(['annotate', 'site/gitsite', '-n', ns, '--overwrite', `slipway.dev/requestedAt=${Date.now()}`]);
    const s = await waitFor(
      'the new revision applied',
      () => {
        const x = getSite(ns, 'gitsite');
        return x?.status?.lastAppliedRevision === `main@sha1:${second}` && cond(x, 'Ready')?.status === 'True' && x;
      },
      180_000,
      200,
    );
    figures.commitToAppliedMs = Date.now() - t0;
    const after = helmRevisions(ns);
    const upgraded = [...after.entries()].filter(([n, r]) => r.length !== before.get(n)!.length).map(([n]) => n);
    expect(upgraded).toEqual(['gitsite-cfg-1']);
    expect(after.get('gitsite-cfg-1')!.map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(s.status?.history?.map((h) => h.revision)).toEqual([`main@sha1:${second}`, `main@sha1:${repo.first}`]);
    const cm = JSON.parse(
      kubectl(['get', 'configmap', '-n', ns, '-o', 'json', '-l', 'app.kubernetes.io/instance=gitsite-cfg-1']),
    ) as { items: { data: Record<string, string> }[] };
    if (cm.items.length) expect(cm.items[0]!.data.value).toBe('two');
  });
});
