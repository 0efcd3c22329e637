// source, second half: every chart source a site's manifest uses, brought into the local
// cache before anything is decided (local folders read in place; tarballs and git
// repositories fetched, each URL + reference once per run), and each chart's content digest.
// A chart with Armada `dependencies` is composed in the cache: its folder with each
// dependency copied into charts/<chart_name>, so Helm sees the subcharts Armada would add.
// Problems name the chart document's file:line: `ChartSourceUnavailable: <url>: <reason>`.
// No chart is read from outside the site's repository (a local folder or a tar file the
// document names, symlinks resolved: PathOutsideRepository), nor from outside what was fetched
// (a subpath leading out of a tarball or checkout).

import { cp, mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import PQueue from 'p-queue';
import type { Json } from '../documents/types.js';
import { GIT_TRUST_FAILURES } from '../operator/source/git-errors.js';
import { digestOf } from '../plan/digest.js';
import type { Problems, SourceRef } from '../problems/index.js';
import { exists, publishEntry } from './cache-entry.js';
import { chartDigest } from './chart-digest.js';
import { fetchGitChart, type GitAuthFiles } from './chart-git.js';
import {
  type ChartLocation,
  locationKey,
  locationOutsideRepository,
  resolveChartLocation,
  type SourceRewrite,
  shownLocation,
} from './chart-location.js';
import { type FetchedTree, fetchTar } from './chart-tar.js';
import { isInside, PATH_OUTSIDE_REPOSITORY, realPathOf, repositoryRoot } from './containment.js';

/** One armada/Chart/v1 the plan needs, as the plan stage lists it. */
export interface ChartRequest {
  /** The armada/Chart/v1 document's name. */
  name: string;
  /** Its chart_name: the folder name a dependency gets under charts/. */
  chartName: string;
  source: { [k: string]: Json };
  /** Names of the armada/Chart/v1 documents it depends on. */
  dependencies: string[];
  at: SourceRef;
  /** Where `source.location` is written, for problems about it (computed on demand: it builds the document's node tree). */
  locationAt?: () => SourceRef;
}

/** A chart ready for Helm: its folder (or .tgz) and the digest of its content. */
export interface FetchedChart {
  path: string;
  digest: string;
  /** Where it came from, as it may be printed (no user-info): a URL or a folder. */
  from: string;
  /** The git commit, for git sources. */
  commit?: string;
}

export interface ChartSourceOptions {
  /** Mirror rewrites (`--source-rewrite`, SLIPWAY_SOURCE_REWRITES, a Site's spec.sourceRewrites). */
  rewrites?: readonly SourceRewrite[];
  /** Default `${SLIPWAY_CACHE:-~/.cache/slipway}/charts`. */
  cacheDir?: string;
  /** Use only what the cache holds; never ask a server. */
  offline?: boolean;
  /** Credentials for git sources: the ssh key for `auth_method: SSH`, known_hosts, https credentials, a CA. */
  git?: GitAuthFiles;
  /** No local chart or tar file may lie outside it (default: the git work tree of the site root, else the folder holding it). */
  repository?: string;
  /** Parallel fetches (default 4). */
  concurrency?: number;
  timeoutMs?: number;
}

const CHART_SCHEMA = 'armada/Chart/v1';

export function defaultChartCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SLIPWAY_CACHE || join(env.HOME || homedir(), '.cache', 'slipway'), 'charts');
}

export async function fetchChartSources(
  requests: ChartRequest[],
  root: string,
  options: ChartSourceOptions,
  problems: Problems,
): Promise<Map<string, FetchedChart>> {
  const cacheDir = options.cacheDir ?? defaultChartCacheDir();
  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const trees = new Map<string, Promise<(FetchedTree & { commit?: string }) | Error>>();
  const located = new Map<string, ChartLocation>();
  let repository: Promise<string> | undefined;
  // Many charts of a site share one source: its containment check and its digest are worked
  // out once per run (300 charts of one local folder: ~0.4 s of CPU once per chart before).
  const outsideChecks = new Map<string, Promise<string | undefined>>();
  const digests = new Map<string, Promise<string | undefined>>();
  for (const r of requests) {
    const resolved = resolveChartLocation(r.source, root, options.rewrites ?? []);
    if ('error' in resolved) {
      problems.error(resolved.error.code, `chart ${r.name}: ${resolved.error.message}`, { source: r.at });
      continue;
    }
    if (resolved.warning)
      problems.warning(resolved.warning.code, `chart ${r.name}: ${resolved.warning.message}`, { source: r.at });
    repository ??= options.repository !== undefined ? realPathOf(options.repository) : repositoryRoot(root);
    const outside = await once(outsideChecks, JSON.stringify(resolved), () =>
      repository!.then((repo) => locationOutsideRepository(resolved, repo)),
    );
    if (outside !== undefined) {
      problems.error(
        PATH_OUTSIDE_REPOSITORY,
        `chart ${r.name}: source location '${String(r.source.location)}' resolves to ${outside}, outside the site's repository`,
        { source: r.locationAt?.() ?? r.at, document: { schema: CHART_SCHEMA, name: r.name } },
      );
      continue;
    }
    const location = resolved.location;
    located.set(r.name, location);
    const key = locationKey(location);
    if (!trees.has(key))
      trees.set(
        key,
        queue.add(() => fetchTree(location, cacheDir, options).catch((e: Error) => e)) as Promise<FetchedTree | Error>,
      );
  }
  // Each chart's own folder and digest, reported once per chart.
  const own = new Map<string, FetchedChart>();
  const warned = new Set<string>();
  for (const r of requests) {
    const location = located.get(r.name);
    if (!location) continue;
    const tree = await trees.get(locationKey(location))!;
    const shown = shownLocation(location);
    if (tree instanceof Error) {
      const code = (tree as { code?: string }).code ?? '';
      if (GIT_TRUST_FAILURES.has(code))
        problems.error(code, `chart ${r.name}: ${shown}: ${tree.message}`, {
          source: r.at,
          document: { schema: CHART_SCHEMA, name: r.name },
        });
      else problems.error('ChartSourceUnavailable', `${shown}: ${tree.message}`, { source: r.at });
      continue;
    }
    if (tree.offline && !warned.has(locationKey(location))) {
      warned.add(locationKey(location));
      problems.warning('ChartSourceOffline', `${shown}: using the cached copy (${tree.offline})`, { source: r.at });
    }
    const path = location.type === 'local' ? location.dir : join(tree.dir, location.subpath);
    if (location.type !== 'local' && !isInside(await realPathOf(tree.dir), await realPathOf(path))) {
      problems.error(
        PATH_OUTSIDE_REPOSITORY,
        `chart ${r.name}: source subpath '${location.subpath}' leads outside ${shown}`,
        { source: r.at, document: { schema: CHART_SCHEMA, name: r.name } },
      );
      continue;
    }
    const digest = await once(digests, path, () => chartDigest(path));
    if (!digest) {
      problems.error(
        'ChartSourceUnavailable',
        `${shown}: no chart at ${location.type === 'local' ? path : `subpath '${location.subpath}'`}`,
        { source: r.at },
      );
      continue;
    }
    own.set(r.name, { path, digest, from: shown, ...(tree.commit ? { commit: tree.commit } : {}) });
  }
  return compose(requests, own, cacheDir, problems);
}

async function fetchTree(
  location: ChartLocation,
  cacheDir: string,
  options: ChartSourceOptions,
): Promise<FetchedTree & { commit?: string }> {
  const common = {
    ...(options.offline ? { offline: true } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  switch (location.type) {
    case 'local':
      return { dir: location.dir };
    case 'tar':
      return fetchTar(location.url, cacheDir, {
        ...common,
        ...(location.proxyServer ? { proxy: location.proxyServer } : {}),
      });
    case 'git':
      if (location.authMethod && location.authMethod.toUpperCase() !== 'SSH')
        throw new Error(`auth_method '${location.authMethod}' is not supported (Armada knows SSH)`);
      return fetchGitChart(location.url, location.reference, {
        cacheDir: join(cacheDir, 'git'),
        ...common,
        ...(location.proxyServer ? { proxy: location.proxyServer } : {}),
        ...(location.authMethod ? { authMethod: location.authMethod } : {}),
        ...options.git,
      });
  }
}

/** Charts with dependencies get a composed folder (content-addressed); the rest are used as fetched. */
async function compose(
  requests: ChartRequest[],
  own: Map<string, FetchedChart>,
  cacheDir: string,
  problems: Problems,
): Promise<Map<string, FetchedChart>> {
  const byName = new Map(requests.map((r) => [r.name, r]));
  const out = new Map<string, FetchedChart>();
  const composing = new Map<string, Promise<FetchedChart | undefined>>();
  const build = (name: string, trail: string[]): Promise<FetchedChart | undefined> => {
    if (trail.includes(name)) {
      problems.error(
        'ChartDependencyCycle',
        `chart ${name}: dependencies form a cycle (${[...trail, name].join(' → ')})`,
        { source: byName.get(name)!.at },
      );
      return Promise.resolve(undefined);
    }
    let p = composing.get(name);
    if (p) return p;
    p = (async () => {
      const r = byName.get(name)!;
      const base = own.get(name);
      if (!base) return undefined;
      if (r.dependencies.length === 0) return base;
      const deps: Array<[string, FetchedChart]> = [];
      for (const d of r.dependencies) {
        const dep = await build(d, [...trail, name]);
        if (!dep) return undefined; // its own problem explains it
        deps.push([byName.get(d)!.chartName, dep]);
      }
      const digest = digestOf({ chart: base.digest, dependencies: deps.map(([n, c]) => [n, c.digest]) });
      const dir = join(cacheDir, 'composed', digest.slice(0, 32), r.chartName);
      if (!(await exists(dir))) await writeComposed(dir, base.path, deps);
      return { ...base, path: dir, digest };
    })();
    composing.set(name, p);
    return p;
  };
  for (const r of requests) {
    const c = await build(r.name, []);
    if (c) out.set(r.name, c);
  }
  return out;
}

async function writeComposed(dir: string, chart: string, deps: Array<[string, FetchedChart]>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await mkdir(dirname(dir), { recursive: true });
    await cp(chart, tmp, { recursive: true });
    for (const [name, dep] of deps) {
      await mkdir(join(tmp, 'charts'), { recursive: true });
      await rm(join(tmp, 'charts', name), { recursive: true, force: true });
      await cp(dep.path, join(tmp, 'charts', name), { recursive: true });
    }
    await publishEntry(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** What `make` gives for `key`, made once per key (the map holds the promise). */
function once<T>(made: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = made.get(key);
  if (!p) {
    p = make();
    made.set(key, p);
  }
  return p;
}
