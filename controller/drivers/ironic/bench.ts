// Micro-benchmark: enroll N fake-hardware nodes to `available` through the driver (p-queue
// at the given concurrency), and the same N through a plain concurrent REST loop (raw
// fetch: create, manage, wait, provide, wait) at the same concurrency. Both poll at the
// same interval. Nodes are deleted after each phase (not timed).
import PQueue from 'p-queue';
import type { BmcCredentials, NodeSpec } from '../types.js';
import { createIronicClient } from './client.js';
import { createIronicDriver } from './driver.js';

export interface EnrollFigures {
  nodes: number;
  failed: number;
  ms: number;
  nodesPerMin: number;
}

export interface BenchEnrollResult {
  count: number;
  concurrency: number;
  driver: EnrollFigures;
  plain: EnrollFigures;
  /** driver nodes/min as a share of the plain loop's (target ≥ 0.9). */
  ratio: number;
}

export interface BenchOptions {
  /** Poll interval of both loops (default 100 ms). */
  pollIntervalMs?: number;
  /** The driver's polling back-off cap (default: its own default, 10 × pollIntervalMs). */
  maxPollIntervalMs?: number;
  /** Run the plain loop first (default false: the driver first). */
  plainFirst?: boolean;
  /** Name prefix of the bench nodes (default bench-<time>). */
  prefix?: string;
  /** Per-node time limit (default 5 minutes). */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function figures(nodes: number, failed: number, ms: number): EnrollFigures {
  return { nodes, failed, ms, nodesPerMin: Math.round(((nodes - failed) / ms) * 60_000 * 10) / 10 };
}

const FAKE_INTERFACES = {
  boot_interface: 'fake',
  deploy_interface: 'fake',
  inspect_interface: 'fake',
  management_interface: 'fake',
  power_interface: 'fake',
};

/** The plain loop: raw fetch, no state machine, no digests, fixed-interval polling. */
async function plainEnroll(
  url: string,
  creds: BmcCredentials | undefined,
  names: string[],
  concurrency: number,
  pollMs: number,
  timeoutMs: number,
  version: string,
): Promise<number> {
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'X-OpenStack-Ironic-API-Version': version,
  };
  if (creds) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  // biome-ignore lint/suspicious/noExplicitAny: Ironic JSON read by field name in a benchmark
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    for (;;) {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      if (res.status === 409 && /locked/i.test(text)) {
        await sleep(pollMs);
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path} → HTTP ${res.status}`);
      return text ? JSON.parse(text) : undefined;
    }
  };
  const waitFor = async (uuid: string, state: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await sleep(pollMs);
      const n = await call('GET', `/v1/nodes/${uuid}`);
      if (n.provision_state === state && !n.target_provision_state) return;
      if (/failed|error/.test(n.provision_state) || Date.now() > deadline)
        throw new Error(`${uuid}: ${n.provision_state}`);
    }
  };
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      try {
        const node = await call('POST', '/v1/nodes', { name, driver: 'fake-hardware', ...FAKE_INTERFACES });
        await call('PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'manage' });
        await waitFor(node.uuid, 'manageable');
        await call('PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'provide' });
        await waitFor(node.uuid, 'available');
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

export async function benchEnroll(
  url: string,
  creds: BmcCredentials | undefined,
  count: number,
  concurrency: number,
  options: BenchOptions = {},
): Promise<BenchEnrollResult> {
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const prefix = options.prefix ?? `bench-${Date.now().toString(36)}`;
  const driver = createIronicDriver({
    url,
    username: creds?.username,
    password: creds?.password,
    pollIntervalMs,
    maxPollIntervalMs: options.maxPollIntervalMs,
    timeoutMs,
  });
  const client = createIronicClient({ url, username: creds?.username, password: creds?.password });
  const version = `1.${await client.version()}`;
  const names = (kind: string) => Array.from({ length: count }, (_, i) => `${prefix}-${kind}-${i}`);
  const cleanup = async (list: string[]) => {
    const q = new PQueue({ concurrency });
    await Promise.all(list.map((n) => q.add(() => driver.remove(n))));
  };

  const spec = (name: string): NodeSpec => ({
    name,
    bmc: { address: `fake://${name}` },
    properties: {},
    inspect: false,
    target: 'available',
    digest: `bench:${name}`,
  });

  // The driver, through p-queue.
  const runDriver = async () => {
    const list = names('d');
    const queue = new PQueue({ concurrency });
    const t0 = Date.now();
    const results = await Promise.all(list.map((n) => queue.add(() => driver.ensure(spec(n)))));
    const ms = Date.now() - t0;
    await cleanup(list);
    return { ms, failed: results.filter((r) => r?.kind !== 'complete').length };
  };
  // The plain REST loop, same concurrency.
  const runPlain = async () => {
    const list = names('p');
    const t0 = Date.now();
    const failed = await plainEnroll(url, creds, list, concurrency, pollIntervalMs, timeoutMs, version);
    const ms = Date.now() - t0;
    await cleanup(list);
    return { ms, failed };
  };
  let dr: { ms: number; failed: number };
  let pr: { ms: number; failed: number };
  if (options.plainFirst) {
    pr = await runPlain();
    dr = await runDriver();
  } else {
    dr = await runDriver();
    pr = await runPlain();
  }
  const driverMs = dr.ms;
  const driverFailed = dr.failed;
  const plainMs = pr.ms;
  const plainFailed = pr.failed;

  const d = figures(count, driverFailed, driverMs);
  const p = figures(count, plainFailed, plainMs);
  return {
    count,
    concurrency,
    driver: d,
    plain: p,
    ratio: p.nodesPerMin > 0 ? Math.round((d.nodesPerMin / p.nodesPerMin) * 100) / 100 : 0,
  };
}
