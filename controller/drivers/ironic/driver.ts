// createIronicDriver: the real IronicDriver, over Ironic's REST API.
import type { BmcCredentials, IronicDriver, NodeProgress } from '../types.js';
import { ironicApi, observe } from './api.js';
import { abortableSleep, createIronicClient, type FetchLike, type RetryPolicy, type Sleep } from './client.js';
import {
  type CredentialResolver,
  ensureNode,
  ensurePass,
  leaveMaintenancePass,
  powerOnPass,
  type ReconcileOptions,
  removeNode,
  removePass,
} from './reconcile.js';

export interface IronicDriverOptions {
  /** Ironic's API endpoint, e.g. http://127.0.0.1:6385 (no credentials in it). */
  url: string;
  /** HTTP basic auth; omit for an Ironic with auth_strategy = noauth. */
  username?: string;
  password?: string;
  /** Reads a Kubernetes Secret's `username` / `password` for credentialsSecretRef. */
  resolveCredentials?: CredentialResolver;
  /** First poll delay and the delay after each action (default 1000 ms). */
  pollIntervalMs?: number;
  /** Cap of the polling back-off while Ironic is busy (default 10 × pollIntervalMs, at most 10 s). */
  maxPollIntervalMs?: number;
  /** Per ensure/remove (default 30 minutes). */
  timeoutMs?: number;
  sleep?: Sleep;
  now?: () => number;
  fetch?: FetchLike;
  retry?: Partial<RetryPolicy>;
  /** Never use a microversion above this one (e.g. "1.82"). */
  maxApiVersion?: string;
  /** Called for every write request the driver issues (node name, action). */
  onWrite?: (node: string, action: string) => void;
  /** Aborted: requests, retries and polls in flight are cancelled. */
  signal?: AbortSignal;
}

export function createIronicDriver(options: IronicDriverOptions): IronicDriver {
  const sleep: Sleep = abortableSleep(
    options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    options.signal,
  );
  const client = createIronicClient({
    url: options.url,
    username: options.username,
    password: options.password,
    fetch: options.fetch,
    sleep,
    retry: options.retry,
    maxApiVersion: options.maxApiVersion,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const api = ironicApi(client);
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const reconcile: ReconcileOptions = {
    api,
    resolveCredentials: options.resolveCredentials && memoCredentials(options.resolveCredentials),
    pollIntervalMs,
    maxPollIntervalMs: options.maxPollIntervalMs ?? Math.min(10_000, pollIntervalMs * 10),
    timeoutMs: options.timeoutMs ?? 30 * 60_000,
    sleep,
    now: options.now ?? Date.now,
    onWrite: options.onWrite,
  };
  return {
    async list() {
      return (await api.listNodes()).map((n) => observe(n));
    },
    ensure(spec, progress?: NodeProgress) {
      return ensureNode(spec, reconcile, progress);
    },
    remove(name, progress?: NodeProgress) {
      return removeNode(name, reconcile, progress);
    },
    pass(spec, operation, carry, progress) {
      switch (operation) {
        case 'ensure':
          return ensurePass(spec, reconcile, carry, progress);
        case 'remove':
          return removePass(spec.name, reconcile, carry, progress);
        case 'power-on':
          return powerOnPass(spec.name, reconcile, carry, progress);
        case 'leave-maintenance':
          return leaveMaintenancePass(spec.name, reconcile, carry);
      }
    },
  };
}

/** One read of each credentials Secret per driver: every pass of an operation needs them to mask Ironic's messages. */
function memoCredentials(resolve: CredentialResolver): CredentialResolver {
  const seen = new Map<string, Promise<BmcCredentials>>();
  return (ref) => {
    const key = `${ref.namespace ?? ''}/${ref.name}`;
    let p = seen.get(key);
    if (!p) {
      p = resolve(ref);
      seen.set(key, p);
      p.catch(() => seen.delete(key));
    }
    return p;
  };
}
