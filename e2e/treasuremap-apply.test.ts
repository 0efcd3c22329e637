// Airship's own reference site repository, treasuremap v1.9 (../shared/airship, read its
// README.md), applied with the real `slipway apply` on the real cluster: the site airskiff (no
// node; the full-site manifest: 8 chart groups, 11 charts, release prefix `airship`).
//
// No file of the repository is changed: it is copied to a temp folder as it is, and every chart
// source is pointed at stand-ins this test serves on 127.0.0.1, the way an air-gapped site
// points at its mirrors: `--source-rewrite` for every tarball and git location. A stand-in
// repository cannot hold the commits the documents pin, and airskiff's site layer already
// replaces `software-versions` (Deckhand allows one level of replacement), so no added
// document could re-pin them: a rewrite prefix holding `#` re-pins `location#reference`.
//
// The stand-in charts sit under the names and subpaths the documents use; they ignore the
// values treasuremap passes. Each is small: a ConfigMap, and where the chart document waits
// on labels, a Deployment of slipway.local/demo-web (readiness probe on /healthz); rabbitmq's
// wait names a StatefulSet, so its stand-in has one; mariadb's has a Job too (its
// upgrade.pre.delete deletes Jobs by label: a changed Job cannot be upgraded in place, so the
// upgrade below fails unless Slipway deletes it first); helm-toolkit is a library chart that
// Armada's `dependencies` compose under charts/; neutron and glance carry a helm test pod
// (neutron's document asks for tests, glance's disables them).

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, startServer, type TestServer, tarball, writeTree } from '../controller/source/test-servers.js';
import { type IronicEnv, type KubeEnv, repoRoot, requireIronic, requireKube } from './support/env.js';
import { treeHashes } from './support/tree-hashes.js';

const CLI = path.join(repoRoot, 'dist/controller/cli/main.js');
const AIRSHIP = process.env.SLIPWAY_AIRSHIP_DIR ?? path.resolve(repoRoot, '../shared/airship');
const TREASUREMAP = path.resolve(AIRSHIP, 'treasuremap-v1.9');
const SITE = 'airskiff';
const NAMESPACE = 'openstack'; // every airskiff chart document names it
const IMAGE = 'slipway.local/demo-web:3.10';

let kubeEnv: KubeEnv | undefined;
let ironicEnv: IronicEnv | undefined;
const kube = () => (kubeEnv ??= requireKube());
const ironic = () => (ironicEnv ??= requireIronic());

interface Doc {
  schema: string;
  metadata: { name: string };
  data: Record<string, unknown>;
}
interface Source {
  type: string;
  location: string;
  subpath?: string;
  reference?: string;
}
interface ChartDoc {
  name: string;
  chartName: string;
  release: string;
  source: Source;
  dependencies: string[];
}
type Event = {
  type: string;
  time: string;
  stepId?: string;
  phase?: string;
  action?: string;
  result?: { stepId: string; phase: string; outcome: string };
};

let work: string | undefined;
let repo: string;
let server: TestServer | undefined;
let files: Map<string, Buffer>;
let shimLog: string;
const rewrites: string[] = [];
let charts: ChartDoc[] = [];
let groups: { name: string; charts: string[] }[] = [];
let tarOf: (location: string) => string;
let installedReleases: string[] = [];

function env(): Record<string, string> {
  return {
    ...kube().vars,
    ...ironic().vars,
    HELM: path.join(work!, 'helm'),
    KUBECONFIG: kube().kubeconfig,
    SLIPWAY_CACHE: path.join(work!, 'cache'),
    HOME: work!,
  };
}

async function slipway(...args: string[]) {
  const withSources = ['plan', 'diff', 'apply'].includes(args[0]!)
    ? rewrites.flatMap((r) => ['--source-rewrite', r])
    : [];
  return execa('node', [CLI, args[0]!, repo, '--site', SITE, ...args.slice(1), ...withSources], {
    cwd: work,
    reject: false,
    env: env(),
    extendEnv: false,
  });
}

const helmCalls = async () => (await readFile(shimLog, 'utf8')).split('\n').filter(Boolean);

async function kubectl(...args: string[]) {
  return execa(kube().kubectl, ['--kubeconfig', kube().kubeconfig, ...args], {
    env: kube().vars,
    extendEnv: false,
    reject: false,
  });
}

async function helmList(): Promise<
  { name: string; namespace: string; revision: string; status: string; updated: string }[]
> {
  const { stdout } = await execa(kube().helm, ['--kubeconfig', kube().kubeconfig, 'list', '-A', '-o', 'json'], {
    env: kube().vars,
    extendEnv: false,
  });
  return (
    JSON.parse(stdout) as { name: string; namespace: string; revision: string; status: string; updated: string }[]
  ).filter((r) => r.name.startsWith('airship-'));
}

/** helm list's `updated` ("2025-01-02 03:04:05.123456789 +0000 UTC") in ms. */
function helmTime(text: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,3})\d*)? ([+-]\d\d)(\d\d)/.exec(text);
  if (!m) throw new Error(`helm list: cannot read the time '${text}'`);
  const t = Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? '0').padEnd(3, '0')}${m[4]}:${m[5]}`);
  if (!Number.isFinite(t)) throw new Error(`helm list: cannot read the time '${text}'`);
  return t;
}

const events = (stdout: string): Event[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Event);

// ---- the stand-in charts ----------------------------------------------------------------

type Kind = 'library' | 'configmap' | 'deployment' | 'statefulset';
interface StandIn {
  kind: Kind;
  job?: boolean;
  helmTest?: boolean;
}

const labels = `release_group: {{ .Release.Name }}`;
const podSpec = `      containers:
        - name: web
          image: ${IMAGE}
          imagePullPolicy: IfNotPresent
          env:
            - name: MESSAGE
              value: "stand-in for {{ .Chart.Name }}"
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 1`;

/** A stand-in chart's files; `revision` goes into the Job's pod template (a new one cannot be applied over the old Job). */
function chartFiles(name: string, s: StandIn, revision = 1): Record<string, string> {
  if (s.kind === 'library') {
    return {
      'Chart.yaml': `apiVersion: v2\nname: ${name}\ntype: library\nversion: 0.1.0\n`,
      'templates/_helpers.tpl': `{{- define "helm-toolkit.standin" -}}stand-in{{- end -}}\n`,
    };
  }
  const out: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    'values.yaml': '# the stand-in ignores every value the site passes\n',
    'templates/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-standin\n  labels:\n    ${labels}\ndata:\n  chart: {{ .Chart.Name | quote }}\n  revision: "${revision}"\n`,
  };
  if (s.kind === 'deployment' || s.kind === 'statefulset') {
    out['templates/service.yaml'] =
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    ${labels}\nspec:\n  selector:\n    ${labels}\n  ports:\n    - port: 8080\n      targetPort: 8080\n`;
    const sts = s.kind === 'statefulset' ? `  serviceName: {{ .Release.Name }}\n` : '';
    out[`templates/${s.kind}.yaml`] =
      `apiVersion: apps/v1\nkind: ${s.kind === 'statefulset' ? 'StatefulSet' : 'Deployment'}\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    ${labels}\nspec:\n${sts}  replicas: 1\n  selector:\n    matchLabels:\n      ${labels}\n  template:\n    metadata:\n      labels:\n        ${labels}\n    spec:\n${podSpec}\n`;
  }
  if (s.job) {
    // hostNetwork: the kubelet's /healthz on 127.0.0.1:10248 answers 200, so the Job completes.
    out['templates/job.yaml'] =
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-bootstrap\n  labels:\n    ${labels}\nspec:\n  backoffLimit: 4\n  template:\n    metadata:\n      labels:\n        ${labels}\n      annotations:\n        standin-revision: "${revision}"\n    spec:\n      hostNetwork: true\n      restartPolicy: Never\n      containers:\n        - name: bootstrap\n          image: ${IMAGE}\n          imagePullPolicy: IfNotPresent\n          args: [check, "http://127.0.0.1:10248/healthz"]\n`;
  }
  if (s.helmTest) {
    // The release's Service through its link variables (no cluster DNS here).
    out['templates/test.yaml'] =
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-delete-policy: before-hook-creation\nspec:\n  restartPolicy: Never\n  containers:\n    - name: test\n      image: ${IMAGE}\n      imagePullPolicy: IfNotPresent\n      args: [check, "http://$({{ .Release.Name | upper | replace "-" "_" }}_SERVICE_HOST):8080/healthz"]\n`;
  }
  return out;
}

/** What stands in for each chart document, from what its document asks of it. */
function standInFor(doc: Doc, dependencyOnly: boolean): StandIn {
  if (dependencyOnly) return { kind: 'library' };
  const wait = (doc.data.wait ?? {}) as { labels?: object; resources?: { type: string }[] };
  const types = (wait.resources ?? []).map((r) => r.type);
  const pre = ((doc.data.upgrade as { pre?: { delete?: { type: string }[] } } | undefined)?.pre?.delete ?? []).map(
    (d) => d.type,
  );
  const test = doc.data.test as { enabled?: boolean } | undefined;
  const kind: Kind = types.includes('statefulset')
    ? 'statefulset'
    : wait.labels || types.includes('deployment')
      ? 'deployment'
      : 'configmap';
  return {
    kind,
    ...(doc.metadata.name === 'openstack-mariadb' && pre.includes('job') ? { job: true } : {}),
    ...(kind !== 'configmap' && test !== undefined && test !== null ? { helmTest: true } : {}),
  };
}

async function buildStandIns(docs: Doc[]): Promise<void> {
  const byKey = new Map(docs.map((d) => [`${d.schema} ${d.metadata.name}`, d]));
  const get = (schema: string, name: string) => {
    const d = byKey.get(`${schema} ${name}`);
    if (!d) throw new Error(`the rendered site has no ${schema} ${name}`);
    return d;
  };
  const deployment = docs.find((d) => d.schema === 'shipyard/DeploymentConfiguration/v1')!;
  const manifest = get('armada/Manifest/v1', (deployment.data.armada as { manifest: string }).manifest);
  expect(manifest.data.release_prefix).toBe('airship');
  groups = (manifest.data.chart_groups as string[]).map((g) => ({
    name: g,
    charts: get('armada/ChartGroup/v1', g).data.chart_group as string[],
  }));
  const inManifest = new Set(groups.flatMap((g) => g.charts));
  const all = new Map<string, { doc: Doc; dependencyOnly: boolean }>();
  const add = (name: string, dependencyOnly: boolean) => {
    if (all.has(name)) return;
    const doc = get('armada/Chart/v1', name);
    all.set(name, { doc, dependencyOnly });
    for (const dep of (doc.data.dependencies as string[] | undefined) ?? []) add(dep, !inManifest.has(dep));
  };
  for (const name of groups.flatMap((g) => g.charts)) add(name, false);
  charts = [...all.values()].map(({ doc }) => ({
    name: doc.metadata.name,
    chartName: doc.data.chart_name as string,
    release: doc.data.release as string,
    source: doc.data.source as Source,
    dependencies: (doc.data.dependencies as string[] | undefined) ?? [],
  }));

  // Tarballs: one per location, holding each subpath the documents read from it.
  // Git repositories: one per location, each subpath a folder; the branch `main` stands in for the pinned commits.
  const tars = new Map<string, Map<string, Record<string, string>>>();
  const repos = new Map<string, Map<string, Record<string, string>>>();
  for (const { doc, dependencyOnly } of all.values()) {
    const src = doc.data.source as Source;
    const subpath = src.subpath ?? '.';
    const content = chartFiles(
      dependencyOnly ? 'helm-toolkit' : (doc.data.chart_name as string),
      standInFor(doc, dependencyOnly),
    );
    const into = src.type === 'git' ? repos : src.type === 'tar' ? tars : undefined;
    if (!into) throw new Error(`chart ${doc.metadata.name}: source type ${src.type} has no stand-in here`);
    const m = into.get(src.location) ?? new Map<string, Record<string, string>>();
    m.set(subpath, content);
    into.set(src.location, m);
  }
  const gitRoot = path.join(work!, 'git');
  files = new Map();
  server = await startServer(files, gitRoot);
  tarOf = (location) =>
    `/tar/${createHash('sha256').update(location).digest('hex').slice(0, 12)}/${path.basename(new URL(location).pathname)}`;
  for (const [location, subpaths] of tars) {
    files.set(tarOf(location), await tarOfTree(subpaths));
    rewrites.push(`${location}=${server.url}${tarOf(location)}`);
  }
  for (const [location, subpaths] of repos) {
    const name = path.basename(new URL(location).pathname);
    const src = path.join(work!, 'git-src', name);
    await mkdir(src, { recursive: true });
    await git(src, 'init', '-q', '-b', 'main');
    for (const [subpath, content] of subpaths) await writeTree(path.join(src, subpath), content);
    await git(src, 'add', '-A');
    await git(src, 'commit', '-qm', `stand-in for ${location}`);
    await mkdir(gitRoot, { recursive: true });
    await git(gitRoot, 'clone', '-q', '--bare', src, path.join(gitRoot, name));
    const pinned = new Set(
      [...all.values()]
        .map(({ doc }) => doc.data.source as Source)
        .filter((s) => s.type === 'git' && s.location === location)
        .map((s) => s.reference ?? 'master'),
    );
    for (const ref of pinned) rewrites.push(`${location}#${ref}=${server.url}/git/${name}#main`);
  }
}

async function tarOfTree(subpaths: Map<string, Record<string, string>>): Promise<Buffer> {
  const dir = await mkdtemp(path.join(work!, 'tar-'));
  for (const [subpath, content] of subpaths) await writeTree(path.join(dir, subpath), content);
  return tarball(dir);
}

// ---- the test ---------------------------------------------------------------------------

describe('treasuremap v1.9 airskiff applied with slipway apply', () => {
  let originals: Map<string, string>;

  beforeAll(async () => {
    if (!existsSync(path.join(TREASUREMAP, 'site', SITE, 'site-definition.yaml'))) {
      throw new Error(
        `the Airship reference repository is missing: expected treasuremap-v1.9 with site/${SITE} at ${TREASUREMAP} (set SLIPWAY_AIRSHIP_DIR to the folder holding treasuremap-v1.9)`,
      );
    }
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    const clash = await helmList();
    if (clash.length)
      throw new Error(
        `releases airship-* exist already (another run of this test?): ${clash.map((r) => `${r.namespace}/${r.name}`).join(', ')}`,
      );
    work = await mkdtemp(path.join(tmpdir(), 'slipway-e2e-tmap-'));
    repo = path.join(work, 'treasuremap');
    await cp(TREASUREMAP, repo, { recursive: true });
    originals = await treeHashes(TREASUREMAP);
    shimLog = path.join(work, 'helm-calls.log');
    await writeFile(shimLog, '');
    await writeFile(path.join(work, 'helm'), `#!/bin/sh\necho "$*" >> '${shimLog}'\nexec '${kube().helm}' "$@"\n`);
    await chmod(path.join(work, 'helm'), 0o755);
    const rendered = await slipway('render', '-o', 'json');
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    await buildStandIns(JSON.parse(rendered.stdout) as Doc[]);
  });

  afterAll(async () => {
    if (!work) return;
    try {
      for (const r of await helmList()) {
        await execa(
          kube().helm,
          ['--kubeconfig', kube().kubeconfig, 'uninstall', r.name, '-n', r.namespace, '--wait', '--timeout', '120s'],
          { env: kube().vars, extendEnv: false, reject: false },
        );
      }
      // Waited for, so the next run does not meet a Terminating namespace.
      await kubectl('delete', 'namespace', NAMESPACE, '--wait=true', '--timeout=120s', '--ignore-not-found');
    } finally {
      await server?.close();
      await rm(work, { recursive: true, force: true });
    }
  });

  it('plans the full-site manifest: 8 chart groups, 11 charts, release prefix airship', async () => {
    expect(groups.length).toBe(8);
    expect(groups.flatMap((g) => g.charts).length).toBe(11);
    const plan = await slipway('plan', '-o', 'json');
    expect(plan.exitCode, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout) as { phases?: { steps: { id: string }[] }[] };
    expect(JSON.stringify(p)).toContain('airship-openstack-ingress-controller');
  });

  it('applies the site: every release deployed, chart group after chart group', async () => {
    const t0 = Date.now();
    const r = await slipway('apply', '-o', 'json');
    console.log(`treasuremap airskiff: first apply ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
    const expected = groups.flatMap((g) => g.charts).map((c) => `airship-${charts.find((x) => x.name === c)!.release}`);
    expect(expected).toEqual([
      'airship-openstack-ingress-controller',
      'airship-openstack-mariadb',
      'airship-openstack-rabbitmq',
      'airship-openstack-memcached',
      'airship-keystone',
      'airship-glance',
      'airship-libvirt',
      'airship-openvswitch',
      'airship-neutron',
      'airship-nova',
      'airship-heat',
    ]);
    const list = await helmList();
    installedReleases = list.map((x) => x.name);
    expect(list.map((x) => [x.name, x.namespace, x.status, x.revision]).sort()).toEqual(
      expected.map((n) => [n, NAMESPACE, 'deployed', '1']).sort(),
    );

    // Group order, from the CLI's own events: every step of a group finishes before the next group's first starts.
    const ev = events(r.stdout);
    const started = new Map<string, number>();
    const finished = new Map<string, number>();
    ev.forEach((e, i) => {
      if (e.type === 'start' && e.stepId) started.set(e.stepId, i);
      if (e.type === 'finish' && e.result) {
        finished.set(e.result.stepId, i);
        expect(e.result.outcome, JSON.stringify(e.result)).not.toMatch(/fail/i);
      }
    });
    const stepOf = (release: string) => `release/${NAMESPACE}/${release}`;
    for (let g = 1; g < groups.length; g++) {
      const lastDone = Math.max(
        ...groups[g - 1]!.charts.map(
          (c) => finished.get(stepOf(`airship-${charts.find((x) => x.name === c)!.release}`)) ?? Infinity,
        ),
      );
      const firstStart = Math.min(
        ...groups[g]!.charts.map(
          (c) => started.get(stepOf(`airship-${charts.find((x) => x.name === c)!.release}`)) ?? -Infinity,
        ),
      );
      expect(lastDone, `group ${groups[g - 1]!.name} before ${groups[g]!.name}`).toBeLessThan(firstStart);
    }
    // helm's own creation times agree
    const updated = new Map(list.map((x) => [x.name, helmTime(x.updated)]));
    const at = (c: string) => updated.get(`airship-${charts.find((x) => x.name === c)!.release}`)!;
    for (let i = 1; i < groups.length; i++) {
      expect(
        Math.max(...groups[i - 1]!.charts.map(at)),
        `${groups[i - 1]!.name} before ${groups[i]!.name}`,
      ).toBeLessThanOrEqual(Math.min(...groups[i]!.charts.map(at)));
    }

    // The waits held: the Deployments and the StatefulSet are ready, mariadb's Job completed.
    const ready = await kubectl(
      'get',
      'deploy,sts',
      '-n',
      NAMESPACE,
      '-l',
      'release_group',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.readyReplicas}{"\\n"}{end}',
    );
    expect(
      ready.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => l.endsWith('=1')),
      ready.stdout,
    ).toBe(true);
    expect(ready.stdout).toContain('airship-openstack-rabbitmq=1');
    const job = await kubectl(
      'get',
      'job',
      'airship-openstack-mariadb-bootstrap',
      '-n',
      NAMESPACE,
      '-o',
      'jsonpath={.status.succeeded}',
    );
    expect(job.stdout).toBe('1');

    // Armada runs a chart's tests unless its document disables them: neutron's asks (test.timeout), glance's says enabled: false.
    const calls = await helmCalls();
    expect(calls.filter((c) => /^test airship-neutron\b/.test(c)).length).toBe(1);
    expect(calls.filter((c) => /^test airship-glance\b/.test(c))).toEqual([]);
  });

  it('applying it again runs no helm process, and diff finds nothing to do', async () => {
    const before = (await helmCalls()).length;
    const r = await slipway('apply', '-o', 'json');
    expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect((await helmCalls()).slice(before)).toEqual([]);
    const finishes = events(r.stdout).filter((e) => e.type === 'finish');
    expect(finishes.filter((e) => e.result!.outcome !== 'unchanged').map((e) => e.result)).toEqual([]);
    const diff = await slipway('diff');
    expect(diff.exitCode, `${diff.stderr}\n${diff.stdout}`).toBe(0);
  });

  it('a changed mariadb chart is upgraded after its Jobs are deleted (upgrade.pre.delete), and nothing else moves', async () => {
    const mariadb = charts.find((c) => c.name === 'openstack-mariadb')!;
    const oldUid = (
      await kubectl(
        'get',
        'job',
        'airship-openstack-mariadb-bootstrap',
        '-n',
        NAMESPACE,
        '-o',
        'jsonpath={.metadata.uid}',
      )
    ).stdout;
    expect(oldUid).not.toBe('');
    const tree = new Map([
      [mariadb.source.subpath ?? '.', chartFiles(mariadb.chartName, { kind: 'deployment', job: true }, 2)],
    ]);
    files.set(tarOf(mariadb.source.location), await tarOfTree(tree));
    const diff = await slipway('diff');
    expect(diff.exitCode, diff.stdout).toBe(2);
    expect(diff.stdout).toContain('airship-openstack-mariadb');
    const before = (await helmCalls()).length;
    const r = await slipway('apply', '-o', 'json');
    expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
    const calls = (await helmCalls()).slice(before);
    expect(
      calls
        .filter((c) => /^(install|upgrade|uninstall|rollback)\b/.test(c))
        .map((c) => c.split(' ').slice(0, 2).join(' ')),
    ).toEqual(['upgrade airship-openstack-mariadb']);
    const list = await helmList();
    expect(list.filter((x) => x.revision !== '1').map((x) => [x.name, x.revision, x.status])).toEqual([
      ['airship-openstack-mariadb', '2', 'deployed'],
    ]);
    const job = await kubectl(
      'get',
      'job',
      'airship-openstack-mariadb-bootstrap',
      '-n',
      NAMESPACE,
      '-o',
      'jsonpath={.metadata.uid} {.status.succeeded} {.spec.template.metadata.annotations.standin-revision}',
    );
    const [uid, succeeded, revision] = job.stdout.split(' ');
    expect(uid).not.toBe(oldUid);
    expect([succeeded, revision]).toEqual(['1', '2']);
  });

  it('changed no file of the repository', async () => {
    const now = await treeHashes(repo);
    const changed = [...originals].filter(([p, h]) => now.get(p) !== h).map(([p]) => p);
    expect(changed).toEqual([]);
    expect([...now.keys()].filter((p) => !originals.has(p))).toEqual([]);
    expect(installedReleases.length).toBe(11);
  });
});
