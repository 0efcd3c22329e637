// The command-line options that say how chart sources are fetched, shared by plan, diff and
// apply: --source-rewrite PREFIX=REPLACEMENT (repeatable; after SLIPWAY_SOURCE_REWRITES, so a
// flag wins over the environment for the same prefix), --offline, SLIPWAY_GIT_SSH_KEY.

import { parseRewrite, rewritesFromEnv, type SourceRewrite } from '../source/chart-location.js';
import type { ChartSourceOptions } from '../source/chart-sources.js';
import { UsageError } from './args.js';

export const SOURCE_OPTIONS = {
  'source-rewrite': { type: 'string', multiple: true },
  offline: { type: 'boolean', default: false },
} as const;

export const SOURCE_USAGE = '[--source-rewrite PREFIX=REPLACEMENT]... [--offline]';

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
  return {
    rewrites: [...fromEnv.rewrites.filter((r) => !flagged.has(r.prefix)), ...flags],
    ...(values.offline === true || env.SLIPWAY_OFFLINE === '1' ? { offline: true } : {}),
    ...(env.SLIPWAY_GIT_SSH_KEY ? { sshKeyPath: env.SLIPWAY_GIT_SSH_KEY } : {}),
  };
}
