// The fleet (SiteSet) end-to-end tests' harness: the controller as a child process limited
// to the test's namespace, kubectl and a client-node API against the local cluster, a
// SiteSet of small inline Sites (LayeringPolicy, Manifest, ChartGroup, one Chart), waits,
// and clean-up that lets the controller remove its finalizers before it stops.
// When the infra is not up, requireKube() throws "run `npm run infra:up`": tests fail, never skip.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { crdApplyCalls } from '../controller/operator/api/crds.js';
import type { ListGeneratorElement, SiteSet, SiteSetSpec } from '../controller/operator/api/siteset-types.js';
import type { Site } from '../controller/operator/api/types.js';
import { type KubeEnv, repoRoot, requireKube } from './support/env.js';
import { pollUntil } from './support/wait.js';

export { repoRoot };

let cachedKube: KubeEnv | undefined;
export const kube = (): KubeEnv => (cachedKube ??= requireKube());

export function kubectl(args: string[], input?: string, kubeconfig: string = kube().kubeconfig): string {
  const k = kube();
  try {
    return execFileSync(k.kubectl, ['--kubeconfig', kubeconfig, '--request-timeout=30s', ...args], {
      env: k.vars,
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`kubectl ${args.slice(0, 3).join(' ')} failed: ${stderr}`);
  }
}

const apis = new Map<string, CustomObjectsApi>();
/** A client of the local cluster, or of the cluster of `kubeconfig`. */
export function customObjects(kubeconfig = kube().kubeconfig): CustomObjectsApi {
  let api = apis.get(kubeconfig);
  if (!api) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    api = kc.makeApiClient(CustomObjectsApi);
    apis.set(kubeconfig, api);
  }
  return api;
}

export function applyCrds(): void {
  for (const args of crdApplyCalls(path.join(repoRoot, 'crds'))) kubectl(args);
}

export function createNamespace(prefix: string): string {
  const ns = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  kubectl(['create', 'namespace', ns]);
  return ns;
}

export async function getSiteSet(ns: string, name: string, kubeconfig?: string): Promise<SiteSet> {
  return (await customObjects(kubeconfig).getNamespacedCustomObject({
    group: 'slipway.dev',
    version: 'v1alpha1',
    plural: 'sitesets',
    namespace: ns,
    name,
  })) as SiteSet;
}

export async function listSites(ns: string, kubeconfig?: string): Promise<Site[]> {
  const list = (await customObjects(kubeconfig).listNamespacedCustomObject({
    group: 'slipway.dev',
    version: 'v1alpha1',
    plural: 'sites',
    namespace: ns,
  })) as { items: Site[] };
  return list.items;
}

export const cond = (
  o: { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } } | undefined,
  type: string,
) => o?.status?.conditions?.find((c) => c.type === type);

/** Ready=True at the Site's current generation. */
export const siteReady = (s: Site | undefined) =>
  !!s && s.status?.observedGeneration === s.metadata.generation && cond(s, 'Ready')?.status === 'True';

export function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 180_000,
  everyMs = 200,
): Promise<T> {
  return pollUntil(what, fn, timeoutMs, everyMs);
}

// --- the SiteSet under test ----------------------------------------------------------------

export interface TemplateOptions {
  /** charts/demo-config (default) or charts/demo-fail (fails when values.fail). */
  chart?: 'demo-config' | 'demo-fail';
  /** A value every Site gets: change it to roll out a new template. */
  version?: string;
  /** Namespace of the releases in the target cluster. */
  releaseNamespace: string;
  /** Helm's --wait (default on; off for clusters without controllers). */
  wait?: boolean;
}

const meta = (name: string) => ({
  schema: 'metadata/Document/v1',
  name,
  layeringDefinition: { abstract: false, layer: 'site' },
  storagePolicy: 'cleartext',
});

/** The documents of one small site: one release `<siteName>-cfg` of a ConfigMap chart. */
export function templateDocuments(o: TemplateOptions): Record<string, unknown>[] {
  const chart = o.chart ?? 'demo-config';
  const values =
    chart === 'demo-fail'
      ? { fail: true, message: 'demo-fail: this template fails on purpose ({{siteName}})' }
      : { data: { site: '{{siteName}}', vlan: '{{values.vlan}}', version: o.version ?? '1' } };
  return [
    {
      schema: 'deckhand/LayeringPolicy/v1',
      metadata: { schema: 'metadata/Control/v1', name: 'layering-policy' },
      data: { layerOrder: ['site'] },
    },
    {
      schema: 'armada/Manifest/v1',
      metadata: meta('manifest'),
      data: { release_prefix: '{{siteName}}', chart_groups: ['group'] },
    },
    {
      schema: 'armada/ChartGroup/v1',
      metadata: meta('group'),
      data: { description: 'config', sequenced: false, chart_group: ['cfg'] },
    },
    {
      schema: 'armada/Chart/v1',
      metadata: meta('cfg'),
      data: {
        chart_name: chart,
        release: 'cfg',
        namespace: o.releaseNamespace,
        source: { type: 'local', location: `charts/${chart}`, subpath: '.' },
        wait: { timeout: 60, ...(o.wait === false ? { native: { enabled: false } } : {}) },
        values,
      },
    },
  ];
}

export function elements(
  n: number,
  extra: (i: number) => Partial<ListGeneratorElement> = () => ({}),
): ListGeneratorElement[] {
  return Array.from({ length: n }, (_, i) => ({
    siteName: `site${String(i + 1).padStart(n >= 100 ? 3 : 1, '0')}`,
    values: { vlan: String(100 + i) },
    ...extra(i),
  }));
}

export function siteSetObject(
  name: string,
  ns: string,
  spec: Partial<SiteSetSpec> & { template: SiteSetSpec['template']; generators: SiteSetSpec['generators'] },
): SiteSet {
  return { apiVersion: 'slipway.dev/v1alpha1', kind: 'SiteSet', metadata: { name, namespace: ns }, spec };
}

export function applyObject(obj: unknown, kubeconfig?: string): void {
  kubectl(['apply', '-f', '-'], JSON.stringify(obj), kubeconfig);
}

/** Replaces the SiteSet's spec (a JSON merge patch would merge lists). */
export async function setSpec(
  ns: string,
  name: string,
  edit: (spec: SiteSetSpec) => void,
  kubeconfig?: string,
): Promise<void> {
  const s = await getSiteSet(ns, name, kubeconfig);
  edit(s.spec);
  kubectl(
    [
      '-n',
      ns,
      'patch',
      'siteset',
      name,
      '--type',
      'json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/spec', value: s.spec }]),
    ],
    undefined,
    kubeconfig,
  );
}

// --- the controller -------------------------------------------------------------------------

export interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

export interface ControllerProcess {
  child: ChildProcess;
  logs: LogLine[];
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
  /** Resident set size now, KiB (from /proc). */
  rssKiB(): number;
  /** The highest RSS seen by sample(), KiB. */
  peakKiB(): number;
}

export function startController(
  namespace: string,
  env: Record<string, string> = {},
  args: string[] = [],
  kubeconfig = kube().kubeconfig,
): ControllerProcess {
  const k = kube();
  const main = path.join(repoRoot, 'dist', 'controller', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const child = spawn(
    process.execPath,
    [
      ...(env.SLIPWAY_NODE_ARGS ? env.SLIPWAY_NODE_ARGS.split(' ') : []),
      main,
      'controller',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      namespace,
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
      '--inline-root',
      repoRoot,
      ...args,
    ],
    {
      cwd: repoRoot,
      env: { ...k.vars, HELM: k.helm, SLIPWAY_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ level: 'raw', msg: line });
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let peak = 0;
  const rssKiB = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      const v = m ? Number(m[1]) : 0;
      peak = Math.max(peak, v);
      return v;
    } catch {
      return 0;
    }
  };
  const sampler = setInterval(rssKiB, 250);
  sampler.unref();
  return {
    child,
    logs,
    exited,
    rssKiB,
    peakKiB: () => peak,
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/**
 * Deletes the namespace's SiteSets and Sites while the controller still runs (so it removes
 * its finalizers), stops the controller, then deletes the namespace. Anything left with a
 * finalizer is released by hand, so a failed test never leaves a namespace Terminating.
 */
export async function cleanUp(ns: string, controller: ControllerProcess | undefined): Promise<void> {
  try {
    kubectl(['-n', ns, 'delete', 'sitesets', '--all', '--wait=false']);
    kubectl(['-n', ns, 'delete', 'sites', '--all', '--wait=false']);
    await waitFor('Sites gone', async () => (await listSites(ns)).length === 0, 60_000, 500).catch(() => undefined);
  } finally {
    await controller?.stop();
    for (const s of await listSites(ns).catch(() => [] as Site[])) {
      kubectl([
        '-n',
        ns,
        'patch',
        'site',
        s.metadata.name,
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]);
    }
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  }
}

export function fleetStatus(ns: string, json = false): { code: number; out: string } {
  const k = kube();
  const main = path.join(repoRoot, 'dist', 'controller', 'cli', 'main.js');
  try {
    const out = execFileSync(process.execPath, [main, 'fleet', 'status', '-n', ns, ...(json ? ['-o', 'json'] : [])], {
      env: { ...k.vars, KUBECONFIG: k.kubeconfig },
      encoding: 'utf8',
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status?: number; stdout?: string };
    return { code: err.status ?? 1, out: err.stdout ?? '' };
  }
}
