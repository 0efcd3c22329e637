// The local infrastructure's environment for benchmarks: e2e/.state/env (written by
// `npm run infra:up`) sourced by bash, layered over process.env.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENV_FILE = `${REPO_ROOT}e2e/.state/env`;

export function infraEnv(): Record<string, string> | undefined {
  if (!existsSync(ENV_FILE)) return undefined;
  const out = execFileSync('bash', ['-c', 'set -a; . "$1"; env -0', 'bench-env', ENV_FILE], { encoding: 'utf8' });
  const vars: Record<string, string> = {};
  for (const entry of out.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return vars;
}
