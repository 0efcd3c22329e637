// Where an armada/Chart/v1 `source` points, resolved: Armada's three types, mirror rewrites
// applied (git's insteadOf: the longest matching prefix wins), local paths made absolute.
// Every chart location Slipway reads is resolved here and nowhere else. resolveChartLocation
// is pure; locationOutsideRepository resolves symlinks (realpath), the only I/O here.
//   local  location (+ subpath): a folder, relative to the site repository
//   tar    location: an http(s) URL or a file path (relative to the repository); subpath inside it
//   git    location (a URL git accepts), reference (branch, tag or commit; Armada's default
//          `master`), subpath inside the checkout; auth_method (SSH) and proxy_server optional
// A rewrite whose prefix holds `#` is matched against a git source's `location#reference`, so
// a mirror that lacks a pinned commit (a stand-in, a fork) can be given with another reference:
// `https://opendev.org/openstack/openstack-helm-infra#97ce6d7…=https://mirror/osh-infra#main`.

import { isAbsolute, resolve } from 'node:path';
import type { Json } from '../documents/types.js';
import { isInside, realPathOf } from './containment.js';

export type ChartLocation =
  | { type: 'local'; dir: string }
  | { type: 'tar'; url: string; subpath: string; proxyServer?: string }
  | { type: 'git'; url: string; reference: string; subpath: string; authMethod?: string; proxyServer?: string };

export interface SourceRewrite {
  prefix: string;
  replacement: string;
}

/** `rewritten`: a mirror rewrite (the operator's, not the document's) chose the location. */
export type ResolvedLocation =
  | { location: ChartLocation; rewritten?: true; warning?: { code: string; message: string } }
  | { error: { code: string; message: string } };

const TARBALL = /\.(tgz|tar\.gz|tar)$/i;

/** `PREFIX=REPLACEMENT` → a rewrite; undefined when there is no `=` or the prefix is empty. */
export function parseRewrite(text: string): SourceRewrite | undefined {
  const i = text.indexOf('=');
  if (i <= 0) return undefined;
  return { prefix: text.slice(0, i), replacement: text.slice(i + 1) };
}

/** SLIPWAY_SOURCE_REWRITES: rewrites separated by whitespace (a URL holds none). */
export function rewritesFromEnv(value: string | undefined): { rewrites: SourceRewrite[]; invalid: string[] } {
  const rewrites: SourceRewrite[] = [];
  const invalid: string[] = [];
  for (const word of (value ?? '').split(/\s+/).filter(Boolean)) {
    const r = parseRewrite(word);
    if (r) rewrites.push(r);
    else invalid.push(word);
  }
  return { rewrites, invalid };
}

/** The location with the longest matching prefix replaced, as git's url.<base>.insteadOf does. */
export function rewriteLocation(location: string, rewrites: readonly SourceRewrite[]): string {
  let best: SourceRewrite | undefined;
  for (const r of rewrites)
    if (location.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
  return best ? best.replacement + location.slice(best.prefix.length) : location;
}

/** A git source's location and reference rewritten: prefixes holding `#` see `location#reference`, the others the location alone. */
export function rewriteGitSource(
  location: string,
  reference: string,
  rewrites: readonly SourceRewrite[],
): { url: string; reference: string } {
  const pinned = `${location}#${reference}`;
  let best: SourceRewrite | undefined;
  for (const r of rewrites) {
    const subject = r.prefix.includes('#') ? pinned : location;
    if (subject.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
  }
  if (!best) return { url: location, reference };
  if (!best.prefix.includes('#')) return { url: best.replacement + location.slice(best.prefix.length), reference };
  const out = best.replacement + pinned.slice(best.prefix.length);
  const i = out.lastIndexOf('#');
  return i < 0 ? { url: out, reference } : { url: out.slice(0, i), reference: out.slice(i + 1) || reference };
}

export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[^/]+@[^/:]+:/.test(location);
}

/** The key a fetched source is cached and shared under: URL (+ reference for git). */
export function locationKey(location: ChartLocation): string {
  switch (location.type) {
    case 'local':
      return `local ${location.dir}`;
    case 'tar':
      return `tar ${location.url}`;
    case 'git':
      return `git ${location.url}#${location.reference}`;
  }
}

/** A location as it may be printed: user-info removed. */
export function shownLocation(location: ChartLocation): string {
  const raw = location.type === 'local' ? location.dir : location.url;
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export function resolveChartLocation(
  source: { [k: string]: Json },
  root: string,
  rewrites: readonly SourceRewrite[],
): ResolvedLocation {
  const type = source.type;
  const raw = source.location;
  if (typeof raw !== 'string' || raw === '')
    return { error: { code: 'InvalidChartSource', message: 'source.location is missing' } };
  const subpath = typeof source.subpath === 'string' && source.subpath !== '' ? source.subpath : '.';
  const proxy =
    typeof source.proxy_server === 'string' && source.proxy_server !== '' ? { proxyServer: source.proxy_server } : {};
  if (type === 'local') return { location: { type: 'local', dir: resolve(root, raw, subpath) } };
  if (type === 'git') {
    const pinned = typeof source.reference === 'string' && source.reference !== '' ? source.reference : 'master';
    const { url, reference } = rewriteGitSource(raw, pinned, rewrites);
    const auth =
      typeof source.auth_method === 'string' && source.auth_method !== '' ? { authMethod: source.auth_method } : {};
    return {
      location: { type: 'git', url, reference, subpath, ...auth, ...proxy },
      ...(url !== raw || reference !== pinned ? { rewritten: true as const } : {}),
    };
  }
  const rewritten = rewriteLocation(raw, rewrites);
  const byRewrite = rewritten !== raw ? { rewritten: true as const } : {};
  const tar: ChartLocation = {
    type: 'tar',
    url: isUrl(rewritten) || isAbsolute(rewritten) ? rewritten : resolve(root, rewritten),
    subpath,
    ...proxy,
  };
  if (type === 'tar') return { location: tar, ...byRewrite };
  // Armada refuses any other type. A tarball location is read as one (treasuremap v1.9's calico chart says `type: calico`).
  if (TARBALL.test(raw)) {
    return {
      location: tar,
      ...byRewrite,
      warning: {
        code: 'UnknownChartSourceType',
        message: `source type '${String(type)}' is not one of local, tar, git; its location is a tarball, so it is read as tar`,
      },
    };
  }
  return {
    error: { code: 'UnsupportedChartSource', message: `source type '${String(type)}' is not one of local, tar, git` },
  };
}

/**
 * The path on this machine a location reads because its document says so: a local folder, or a
 * tar file given as a path (or file:// URL). None for network URLs and for a location a rewrite
 * chose: a mirror the operator configured may lie anywhere.
 */
export function documentPath(resolved: { location: ChartLocation; rewritten?: true }): string | undefined {
  const { location } = resolved;
  if (location.type === 'local') return location.dir;
  if (resolved.rewritten || location.type !== 'tar') return undefined;
  if (location.url.startsWith('file://')) return location.url.slice('file://'.length);
  return isUrl(location.url) ? undefined : location.url;
}

/**
 * What a local or tar-file location resolves to (symlinks followed) when that lies outside
 * `repository` (a real path, see containment.ts repositoryRoot); undefined when it is inside
 * or the location is not a path of the document's.
 */
export async function locationOutsideRepository(
  resolved: { location: ChartLocation; rewritten?: true },
  repository: string,
): Promise<string | undefined> {
  const path = documentPath(resolved);
  if (path === undefined) return undefined;
  const real = await realPathOf(path);
  return isInside(repository, real) ? undefined : real;
}
