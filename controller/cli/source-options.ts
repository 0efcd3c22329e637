// The command-line options that say how chart sources are fetched, shared by plan, diff and
// apply: --source-rewrite PREFIX=REPLACEMENT (repeatable; after SLIPWAY_SOURCE_REWRITES, so a
// flag wins over the environment for the same prefix), --offline, and the git credentials:
// --git-ssh-key (SLIPWAY_GIT_SSH_KEY), --git-known-hosts (SLIPWAY_GIT_KNOWN_HOSTS),
// --git-credentials (SLIPWAY_GIT_CREDENTIALS), --git-ca-file (SLIPWAY_GIT_CA_FILE); each a file
// path (a flag wins over its variable), read only when a git source is fetched.

import { resolve } from 'node:path';
import type { GitAuthFiles } from '../source/chart-git.js';
import { parseRewrite, rewritesFromEnv, type SourceRewrite } from '../source/chart-location.js';
import type { ChartSourceOptions } from '../source/chart-sources.js';
import { UsageError } from './args.js';

export const SOURCE_OPTIONS = {
  'source-rewrite': { type: 'string', multiple: true },
  offline: { type: 'boolean', default: false },
  'git-ssh-key': { type: 'string' },
  'git-known-hosts': { type: 'string' },
  'git-credentials': { type: 'string' },
  'git-ca-file': { type: 'string' },
} as const;

export const SOURCE_USAGE =
  '[--source-rewrite PREFIX=REPLACEMENT]... [--offline] [--git-ssh-key FILE] [--git-known-hosts FILE] [--git-credentials FILE] [--git-ca-file FILE]';

const GIT_FILES: Array<[string, string, keyof GitAuthFiles]> = [
  ['git-ssh-key', 'SLIPWAY_GIT_SSH_KEY', 'sshKeyPath'],
  ['git-known-hosts', 'SLIPWAY_GIT_KNOWN_HOSTS', 'knownHostsPath'],
  ['git-credentials', 'SLIPWAY_GIT_CREDENTIALS', 'credentialsPath'],
  ['git-ca-file', 'SLIPWAY_GIT_CA_FILE', 'caFile'],
];

export function sourceOptions(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): ChartSourceOptions {
  const fromEnv = rewritesFromEnv(env.SLIPWAY_SOURCE_REWRITES);
  if (fromEnv.invalid.length)
    throw new UsageError(`SLIPWAY_SOURCE_REWRITES: '${fromEnv.invalid[0]}' is not PREFIX=REPLACEMENT`);
  const flags: SourceRewrite[] = [];
  for (const text of (values['source-rewrite'] as string[] | undefined) ?? []) {
    const r = parseRewrite(text);
    if (!r) throw new UsageError(`--source-rewrite '${text}' is not PREFIX=REPLACEMENT`);
    flags.push(r);
  }
  const flagged = new Set(flags.map((r) => r.prefix));
  const options: ChartSourceOptions = {
    rewrites: [...fromEnv.rewrites.filter((r) => !flagged.has(r.prefix)), ...flags],
    ...(values.offline === true || env.SLIPWAY_OFFLINE === '1' ? { offline: true } : {}),
  };
  const git: GitAuthFiles = {};
  for (const [flag, variable, key] of GIT_FILES) {
    const path = (values[flag] as string | undefined) || env[variable];
    if (path) git[key] = resolve(path);
  }
  return { ...options, ...(Object.keys(git).length ? { git } : {}) };
}
