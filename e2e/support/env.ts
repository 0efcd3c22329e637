// The end-to-end tests' view of the local infrastructure.
//
// `e2e/infra.sh up` writes e2e/.state/env: shell `export` lines for KUBECONFIG, HELM,
// KUBECTL, PATH (the pinned tool directory) and whatever e2e/infra/ironic.sh wrote to
// e2e/.state/ironic.env (IRONIC_URL, ...). This module loads that file by letting bash
// source it, so the file stays the single source of truth for shells and tests alike.
// Without the file, the process environment is used (KUBECONFIG, HELM and KUBECTL must
// then all be set). When neither describes a running infrastructure, every function
// here throws: end-to-end tests fail loudly, they are never skipped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const envFile = path.join(repoRoot, 'e2e', '.state', 'env');

const HINT = 'run `npm run infra:up` (or `npm run test:e2e`, which brings the infra up first)';

export class InfraNotUpError extends Error {
  constructor(message: string) {
    super(`${message}\nThe end-to-end infrastructure is not up: ${HINT}.`);
    this.name = 'InfraNotUpError';
  }
}

export interface KubeEnv {
  /** "local" (kube-apiserver + kwok nodes) or "kind". */
  cluster: 'local' | 'kind';
  kubeconfig: string;
  helm: string;
  kubectl: string;
  /** The environment to give helm/kubectl child processes. */
  vars: Record<string, string>;
}

export interface IronicEnv {
  url: string;
  username: string;
  password: string;
  vars: Record<string, string>;
}

let cached: Record<string, string> | undefined;

/** All variables of e2e/.state/env layered over process.env (or process.env alone). */
export function loadE2EEnv(): Record<string, string> {
  if (cached) return cached;
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) base[k] = v;
  if (existsSync(envFile)) {
    let out: string;
    try {
      out = execFileSync('bash', ['-c', 'set -a; . "$1"; env -0', 'e2e-env', envFile], {
        env: base,
        encoding: 'utf8',
      });
    } catch (err) {
      throw new InfraNotUpError(`Could not read ${envFile}: ${(err as Error).message}`);
    }
    const vars: Record<string, string> = {};
    for (const entry of out.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    cached = vars;
  } else {
    cached = base;
  }
  return cached;
}

function need(vars: Record<string, string>, name: string, part: string): string {
  const v = vars[name];
  if (!v) {
    throw new InfraNotUpError(
      `${name} is not set: ${existsSync(envFile) ? `${envFile} has no ${name}` : `${envFile} does not exist`} (${part}).`,
    );
  }
  return v;
}

/**
 * The Kubernetes part, checked to be answering: /readyz of the API server must say ok.
 * Throws InfraNotUpError (with the `npm run infra:up` hint) otherwise.
 */
export function requireKube(): KubeEnv {
  const vars = loadE2EEnv();
  const kubeconfig = need(vars, 'KUBECONFIG', 'Kubernetes');
  const helm = need(vars, 'HELM', 'Kubernetes');
  const kubectl = need(vars, 'KUBECTL', 'Kubernetes');
  for (const [what, file] of [
    ['kubeconfig', kubeconfig],
    ['helm', helm],
    ['kubectl', kubectl],
  ] as const) {
    if (!existsSync(file)) throw new InfraNotUpError(`The ${what} ${file} does not exist.`);
  }
  let ready = '';
  try {
    ready = execFileSync(kubectl, ['--kubeconfig', kubeconfig, '--request-timeout=5s', 'get', '--raw', '/readyz'], {
      env: vars,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new InfraNotUpError(`The Kubernetes API server does not answer /readyz: ${stderr.trim()}`);
  }
  if (ready !== 'ok') throw new InfraNotUpError(`The Kubernetes API server's /readyz said: ${ready}`);
  const cluster = vars.SLIPWAY_E2E_CLUSTER === 'kind' ? 'kind' : 'local';
  return { cluster, kubeconfig, helm, kubectl, vars };
}

/** The Ironic part's connection details (written by e2e/infra/ironic.sh). */
export function requireIronic(): IronicEnv {
  const vars = loadE2EEnv();
  return {
    url: need(vars, 'IRONIC_URL', 'Ironic'),
    username: need(vars, 'IRONIC_USERNAME', 'Ironic'),
    password: need(vars, 'IRONIC_PASSWORD', 'Ironic'),
    vars,
  };
}
