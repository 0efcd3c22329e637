// The operator end-to-end tests' harness: the controller as a child process
// (`node dist/controller/cli/main.js controller ...`), kubectl against the local cluster,
// a helm shim that counts helm processes, and Ironic node look-ups. When the infra is not
// up, requireKube/requireIronic throw with "run `npm run infra:up`": tests fail, never skip.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { crdApplyCalls } from '../controller/operator/api/crds.js';
import type { Site } from '../controller/operator/api/types.js';
import { type KubeEnv, repoRoot, requireIronic, requireKube } from './support/env.js';
import { IronicClient } from './support/ironic.js';
import { pollUntil } from './support/wait.js';

export { repoRoot };

let cachedKube: KubeEnv | undefined;
export const kube = (): KubeEnv => (cachedKube ??= requireKube());

export function kubectl(args: string[], input?: string): string {
  const k = kube();
  return execFileSync(k.kubectl, ['--kubeconfig', k.kubeconfig, ...args], {
    env: k.vars,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
}

export function applyCrds(): void {
  for (const args of crdApplyCalls(path.join(repoRoot, 'crds'))) kubectl(args);
}

export function createNamespace(prefix: string): string {
  const ns = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  kubectl(['create', 'namespace', ns]);
  return ns;
}

export function applySite(site: Site): void {
  kubectl(['apply', '-f', '-'], JSON.stringify(site));
}

export function getSite(ns: string, name: string): Site | undefined {
  try {
    return JSON.parse(kubectl(['get', 'site', name, '-n', ns, '-o', 'json'])) as Site;
  } catch (e) {
    if (String((e as { stderr?: string }).stderr).includes('NotFound')) return undefined;
    throw e;
  }
}

export const cond = (s: Site | undefined, type: string) => s?.status?.conditions?.find((c) => c.type === type);

export function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 120_000,
  everyMs = 100,
): Promise<T> {
  return pollUntil(what, fn, timeoutMs, everyMs);
}

/** A helm wrapper that appends one line per helm process to a log file, then runs the real helm. */
export function helmShim(): { path: string; count(): number; lines(): string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-helm-shim-'));
  const log = path.join(dir, 'calls.log');
  const shim = path.join(dir, 'helm');
  writeFileSync(log, '');
  writeFileSync(shim, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${kube().helm}' "$@"\n`);
  chmodSync(shim, 0o755);
  const lines = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { path: shim, count: () => lines().length, lines };
}

export interface LogLine {
  level: string;
  msg: string;
  site?: string;
  revision?: string;
  [k: string]: unknown;
}

export interface ControllerProcess {
  child: ChildProcess;
  logs: LogLine[];
  /** Raw stderr text that was not JSON. */
  other: string[];
  exited: Promise<number | null>;
  /** Where the controller's output goes. */
  logFile: string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  rssKiB(): number;
  metricsUrl(): string | undefined;
}

export function startController(
  options: { args?: string[]; env?: Record<string, string>; helm?: string } = {},
): ControllerProcess {
  const k = kube();
  const main = path.join(repoRoot, 'dist', 'controller', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const iron = requireIronic();
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'slipway-controller-')), 'controller.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      main,
      'controller',
      '--kubeconfig',
      k.kubeconfig,
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
      '--inline-root',
      repoRoot,
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: {
        ...k.vars,
        HELM: options.helm ?? k.helm,
        IRONIC_URL: iron.url,
        IRONIC_USERNAME: iron.username,
        IRONIC_PASSWORD: iron.password,
        SLIPWAY_LOG_LEVEL: 'debug',
        ...options.env,
      },
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  // Output goes to a file, not a pipe: a test blocked in a synchronous kubectl call must
  // never block the controller's own log writes (a full pipe would stall its event loop).
  const logs: LogLine[] = [];
  const other: string[] = [];
  let offset = 0;
  let partial = '';
  const refresh = () => {
    const fd = openSync(logFile, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return;
      const chunk = Buffer.alloc(size - offset);
      readSync(fd, chunk, 0, chunk.length, offset);
      offset = size;
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          other.push(line);
        }
      }
    } finally {
      closeSync(fd);
    }
  };
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    get logs() {
      refresh();
      return logs;
    },
    get other() {
      refresh();
      return other;
    },
    logFile,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    rssKiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    },
    metricsUrl() {
      refresh();
      const started = logs.find((l) => l.msg === 'started' && typeof l.metrics === 'string');
      return started?.metrics as string | undefined;
    },
  };
}

/** Releases of a namespace as Helm stored them: name → revisions with their status. */
export function helmRevisions(ns: string): Map<string, { revision: number; status: string }[]> {
  const out = JSON.parse(kubectl(['get', 'secrets', '-n', ns, '-l', 'owner=helm', '-o', 'json'])) as {
    items: { metadata: { labels: Record<string, string> } }[];
  };
  const map = new Map<string, { revision: number; status: string }[]>();
  for (const s of out.items) {
    const l = s.metadata.labels;
    const list = map.get(l.name!) ?? [];
    list.push({ revision: Number(l.version), status: l.status! });
    map.set(
      l.name!,
      list.sort((a, b) => a.revision - b.revision),
    );
  }
  return map;
}

let ironicClient: IronicClient | undefined;
export async function ironic(): Promise<IronicClient> {
  const e = requireIronic();
  return (ironicClient ??= await IronicClient.connect({ url: e.url, username: e.username, password: e.password }));
}

/** Ironic nodes whose name starts with `prefix` (name → count, to catch duplicates) and ports' MACs of those nodes. */
export async function ironicNodes(
  prefix: string,
): Promise<{ names: string[]; uuids: string[]; provisionStates: Record<string, string> }> {
  const c = await ironic();
  const all = (
    await c.request<{ nodes: { uuid: string; name: string | null; provision_state: string }[] }>(
      'GET',
      '/v1/nodes?fields=uuid,name,provision_state&limit=1000',
    )
  ).nodes;
  const mine = all.filter((n) => n.name?.startsWith(prefix));
  return {
    names: mine.map((n) => n.name!),
    uuids: mine.map((n) => n.uuid),
    provisionStates: Object.fromEntries(mine.map((n) => [n.name!, n.provision_state])),
  };
}

/** Removes Ironic nodes left by a test (by name prefix). */
export async function removeIronicNodes(prefix: string): Promise<void> {
  const c = await ironic();
  for (const uuid of (await ironicNodes(prefix)).uuids) {
    await c.request('PUT', `/v1/nodes/${uuid}/states/provision`, { target: 'deleted' }).catch(() => undefined);
    await c
      .request('PATCH', `/v1/nodes/${uuid}`, [{ op: 'replace', path: '/maintenance', value: true }])
      .catch(() => undefined);
    await c.request('DELETE', `/v1/nodes/${uuid}`).catch(() => undefined);
  }
}

/** Deletes a namespace's Sites (dropping finalizers) and the namespace. */
export function cleanupNamespace(ns: string): void {
  try {
    const names = kubectl(['get', 'sites', '-n', ns, '-o', 'name']).split('\n').filter(Boolean);
    for (const n of names) kubectl(['patch', n, '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  } catch {
    /* best effort */
  }
}

/**
 * A test file's controllers and namespaces: the CRDs are applied before it, and after it every
 * controller pushed here is stopped (SIGTERM) and every namespace cleaned up, whatever failed.
 */
export function operatorFixture(): { controllers: ControllerProcess[]; namespaces: string[] } {
  const fixture = { controllers: [] as ControllerProcess[], namespaces: [] as string[] };
  beforeAll(() => applyCrds());
  afterAll(async () => {
    for (const c of fixture.controllers) await c.kill('SIGTERM');
    for (const ns of fixture.namespaces) cleanupNamespace(ns);
  });
  return fixture;
}
