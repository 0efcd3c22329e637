// List and watch of any resource path over the API server's HTTP API, authenticated
// with a KubeConfig (client certificates, tokens, exec plugins: whatever the client's
// applyToHTTPSOptions applies). Each call either resolves or rejects; none stays silent:
// the watch asks the server to end it after timeoutSeconds, and a client-side idle timer
// aborts a stream that stops sending (no events and no bookmarks).
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** The list+watch pair an informer runs; informer.test.ts fakes it. */
export interface ListWatchSource<T> {
  /** A full, consistent list (all pages) and the resourceVersion to watch from. */
  list(signal: AbortSignal): Promise<ListResult<T>>;
  /**
   * Streams changes after `resourceVersion` into onEvent. Resolves when the server ends
   * the stream normally; rejects on an HTTP error or a broken connection.
   */
  watch(resourceVersion: string, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void>;
}

export class KubeHttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

export interface PathSourceOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page (default 500). */
  pageSize?: number;
  /** Server-side watch timeout, seconds; default a random 300–600 (client-go's habit). */
  watchTimeoutSeconds?: () => number;
  /** Abort a watch that sent nothing for this long (default: its timeout + 60 s). */
  idleMs?: number;
  /** Time allowed for one list page (default 60 s). */
  requestTimeoutMs?: number;
}

/**
 * The collection path of a resource: core group ("" or "core") under /api, others under
 * /apis; namespaced when `namespace` is given, else across all namespaces.
 *   collectionPath({ group: "slipway.dev", version: "v1alpha1", plural: "sites" })
 *     → /apis/slipway.dev/v1alpha1/sites
 *   collectionPath({ version: "v1", plural: "configmaps", namespace: "infra" })
 *     → /api/v1/namespaces/infra/configmaps
 */
export function collectionPath(r: { group?: string; version: string; plural: string; namespace?: string }): string {
  const base = !r.group || r.group === 'core' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespace ? `/namespaces/${encodeURIComponent(r.namespace)}` : '';
  return `${base}${ns}/${r.plural}`;
}

/** A ListWatchSource for a collection path such as /api/v1/namespaces/ns/configmaps. */
export function pathListWatch<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  options: PathSourceOptions = {},
): ListWatchSource<T> {
  const selectors: Record<string, string> = {};
  if (options.labelSelector) selectors.labelSelector = options.labelSelector;
  if (options.fieldSelector) selectors.fieldSelector = options.fieldSelector;
  const timeoutSeconds = options.watchTimeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));

  return {
    async list(signal) {
      const items: T[] = [];
      let cont: string | undefined;
      let resourceVersion = '';
      let itemKind: string | undefined;
      let itemApiVersion: string | undefined;
      do {
        const query: Record<string, string> = { ...selectors, limit: String(options.pageSize ?? 500) };
        if (cont) query.continue = cont;
        const page = (await getJson(kc, path, query, signal, options.requestTimeoutMs ?? 60_000)) as {
          kind?: string;
          apiVersion?: string;
          items?: T[];
          metadata?: { resourceVersion?: string; continue?: string };
        };
        itemKind ??= page.kind?.replace(/List$/, '');
        itemApiVersion ??= page.apiVersion;
        // List items come without apiVersion/kind; handlers and Events want them.
        for (const item of page.items ?? []) {
          items.push({ apiVersion: itemApiVersion, kind: itemKind, ...item });
        }
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return { items, resourceVersion };
    },

    watch(resourceVersion, onEvent, signal) {
      const t = timeoutSeconds();
      const query: Record<string, string> = {
        ...selectors,
        watch: 'true',
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(t),
      };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      return streamLines(kc, path, query, signal, options.idleMs ?? (t + 60) * 1000, (line) => {
        const event = JSON.parse(line) as WatchEvent<T>;
        onEvent(event);
      });
    },
  };
}

async function requestOptions(kc: KubeConfig, path: string, query: Record<string, string>) {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const mod = url.protocol === 'http:' ? http : https;
  return { url, opts, mod };
}

function httpError(status: number, body: string): KubeHttpError {
  let message = `HTTP ${status}`;
  let reason: string | undefined;
  try {
    const s = JSON.parse(body) as { message?: string; reason?: string };
    if (s.message) message = `${s.message} (HTTP ${status})`;
    reason = s.reason;
  } catch {
    /* not a Status */
  }
  return new KubeHttpError(message, status, reason);
}

async function getJson(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<unknown> {
  const { url, opts, mod } = await requestOptions(kc, path, query);
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { ...opts, signal, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) !== 200) return reject(httpError(res.statusCode ?? 0, body));
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function streamLines(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
  idleMs: number,
  onLine: (line: string) => void,
): Promise<void> {
  const { url, opts, mod } = await requestOptions(kc, path, query);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(signal.reason ?? new Error('aborted'));
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(new Error(`watch ${path}: nothing received for ${idleMs} ms`)), idleMs);
      idle.unref();
    };
    const req = mod.request(url, opts, (res) => {
      if ((res.statusCode ?? 0) !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(httpError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', finish);
        return;
      }
      touch();
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        touch();
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          try {
            onLine(line);
          } catch (err) {
            return finish(err);
          }
        }
      });
      res.on('end', () => finish());
      res.on('aborted', () => finish(new Error(`watch ${path}: connection closed mid-stream`)));
      res.on('error', finish);
      res.on('close', () => {
        if (!res.complete) finish(new Error(`watch ${path}: connection closed mid-stream`));
        else finish();
      });
    });
    req.on('error', finish);
    req.on('socket', (s) => s.setKeepAlive(true, 30_000));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    req.end();
  });
}
