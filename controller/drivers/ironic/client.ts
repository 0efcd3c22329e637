// The Ironic REST client: global fetch, HTTP basic auth (or none), microversion
// negotiation, and retries. It knows nothing about nodes' life cycles.
//
// Retries: connection failures and HTTP 503 back off exponentially (capped) up to a
// budget of attempts; HTTP 409 "node is locked" is retried the same way on its own
// budget. Every other non-2xx answer is an IronicError carrying Ironic's own message.
// Messages never contain request bodies, credentials or the Authorization header.
import { FEATURES, type Feature, formatVersion, negotiate } from './version.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type Sleep = (ms: number) => Promise<void>;

export interface RetryPolicy {
  /** Attempts for connection failures and 503 (first try included). */
  attempts: number;
  /** Attempts for 409 "node locked". */
  lockedAttempts: number;
  /** First back-off delay; doubled per attempt up to maxMs. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, lockedAttempts: 30, baseMs: 500, maxMs: 8_000 };

export interface IronicClientOptions {
  url: string;
  username?: string;
  password?: string;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** Defaults to setTimeout; tests inject one that does not wait. */
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
  /** Never send a microversion above this one (e.g. "1.82" to exercise the floor). */
  maxApiVersion?: string;
  /** Per-request timeout (a timed-out request counts as a connection failure). */
  requestTimeoutMs?: number;
  /** Aborted: the request in flight and every retry are cancelled (an IronicError of kind "aborted"). */
  signal?: AbortSignal;
}

export type IronicErrorKind = 'unreachable' | 'unavailable' | 'locked' | 'http' | 'version' | 'aborted';

/** A failed call to Ironic. `message` is safe to log: no credentials, no request body. */
export class IronicError extends Error {
  constructor(
    message: string,
    readonly kind: IronicErrorKind,
    /** The HTTP status, when Ironic answered. */
    readonly status?: number,
    /** Ironic's own error text (faultstring), verbatim. */
    readonly ironicMessage?: string,
  ) {
    super(message);
    this.name = 'IronicError';
  }

  /** Worth retrying the whole operation later (Ironic down, busy or locked). */
  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'unavailable' || this.kind === 'locked';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof IronicError && err.status === 404;
}

export interface IronicClient {
  /** The endpoint without credentials, for messages. */
  readonly baseUrl: string;
  /** The negotiated microversion's minor number (negotiated on first use). */
  version(): Promise<number>;
  supports(feature: Feature): Promise<boolean>;
  request<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
}

export interface RequestOptions {
  /** This request's timeout, instead of the client's requestTimeoutMs. */
  timeoutMs?: number;
}

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `sleep`, ended early (rejected with the signal's reason) when `signal` is aborted; the timer does not outlive it. */
export function abortableSleep(sleep: Sleep, signal: AbortSignal | undefined): Sleep {
  if (!signal) return sleep;
  return (ms) => {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (sleep === realSleep) {
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      sleep(ms).then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  };
}

/** The URL without user info, query or trailing slash. */
export function safeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('invalid Ironic URL (not an absolute URL)');
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/+$/, '');
}

/** Ironic's error text from an error body: {"error_message": "{\"faultstring\": ...}"}. */
export function ironicFault(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error_message?: unknown; faultstring?: unknown };
    let inner: unknown = parsed.error_message ?? parsed;
    if (typeof inner === 'string') {
      const text: string = inner;
      try {
        inner = JSON.parse(text);
      } catch {
        return text;
      }
    }
    const fault = (inner as { faultstring?: unknown } | null)?.faultstring;
    if (typeof fault === 'string') return fault;
  } catch {
    // not JSON: fall through
  }
  const text = body.trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'request timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

const LOCKED = /\block(ed)?\b|please retry/i;

export function createIronicClient(options: IronicClientOptions): IronicClient {
  const baseUrl = safeBaseUrl(options.url);
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const signal = options.signal;
  const sleep = abortableSleep(options.sleep ?? realSleep, signal);
  const aborted = (method: string, path: string) =>
    new IronicError(
      `${method} ${path} cancelled: ${String(signal?.reason instanceof Error ? signal.reason.message : (signal?.reason ?? 'aborted'))}`,
      'aborted',
    );
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const auth =
    options.username !== undefined && options.username !== ''
      ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
      : undefined;
  let negotiated: Promise<number> | undefined;

  const delay = (attempt: number) => Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);

  /** One HTTP exchange with the connection/503/409 retry loop. Resolves to status + text. */
  async function exchange(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    requestTimeoutMs = timeoutMs,
  ): Promise<{ status: number; text: string; requestId: string | null }> {
    let down = 0;
    let locked = 0;
    let waitedMs = 0;
    for (;;) {
      if (signal?.aborted) throw aborted(method, path);
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(requestTimeoutMs);
        const init: RequestInit = { method, headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout };
        if (body !== undefined) init.body = body;
        res = await doFetch(`${baseUrl}${path}`, init);
      } catch (err) {
        if (signal?.aborted) throw aborted(method, path);
        down += 1;
        if (down >= policy.attempts) {
          throw new IronicError(
            `Ironic at ${baseUrl} is unreachable (${networkReason(err)}) after ${down} attempts over ` +
              `${Math.round(waitedMs / 1000)} s: ${method} ${path}`,
            'unreachable',
          );
        }
        const ms = delay(down - 1);
        waitedMs += ms;
        await sleep(ms).catch(() => Promise.reject(aborted(method, path)));
        continue;
      }
      const text = await res.text();
      const requestId = res.headers.get('x-openstack-request-id');
      if (res.status === 503) {
        down += 1;
        if (down >= policy.attempts) {
          throw new IronicError(
            `Ironic at ${baseUrl} is unavailable (HTTP 503: ${ironicFault(text)}) after ${down} attempts over ` +
              `${Math.round(waitedMs / 1000)} s: ${method} ${path}`,
            'unavailable',
            503,
            ironicFault(text),
          );
        }
        const ms = delay(down - 1);
        waitedMs += ms;
        await sleep(ms).catch(() => Promise.reject(aborted(method, path)));
        continue;
      }
      if (res.status === 409 && LOCKED.test(ironicFault(text))) {
        locked += 1;
        if (locked >= policy.lockedAttempts) {
          throw new IronicError(
            `${method} ${path}: node still locked after ${locked} attempts: ${ironicFault(text)}`,
            'locked',
            409,
            ironicFault(text),
          );
        }
        await sleep(Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(locked - 1, 3))).catch(() =>
          Promise.reject(aborted(method, path)),
        );
        continue;
      }
      return { status: res.status, text, requestId };
    }
  }

  async function negotiateOnce(): Promise<number> {
    const res = await exchange('GET', '/', { Accept: 'application/json' }, undefined);
    if (res.status !== 200) {
      throw new IronicError(
        `GET ${baseUrl}/ answered HTTP ${res.status}: ${ironicFault(res.text)}`,
        'version',
        res.status,
        ironicFault(res.text),
      );
    }
    let max: string | undefined;
    try {
      max = (JSON.parse(res.text) as { default_version?: { version?: string } }).default_version?.version;
    } catch {
      max = undefined;
    }
    try {
      return negotiate(max, options.maxApiVersion);
    } catch (err) {
      throw new IronicError(`${baseUrl}: ${(err as Error).message}`, 'version');
    }
  }

  function version(): Promise<number> {
    if (!negotiated) {
      negotiated = negotiateOnce();
      // A failure is not cached: the next call negotiates again.
      negotiated.catch(() => {
        negotiated = undefined;
      });
    }
    return negotiated;
  }

  async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const minor = await version();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-OpenStack-Ironic-API-Version': formatVersion(minor),
    };
    if (auth) headers.Authorization = auth;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await exchange(method, path, headers, payload, options.timeoutMs);
    if (res.status < 200 || res.status >= 300) {
      const fault = ironicFault(res.text);
      const rid = res.requestId && minor >= FEATURES.requestId ? ` [request ${res.requestId}]` : '';
      throw new IronicError(`${method} ${path} → HTTP ${res.status}: ${fault}${rid}`, 'http', res.status, fault);
    }
    if (!res.text) return undefined as T;
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new IronicError(`${method} ${path} → HTTP ${res.status} with a body that is not JSON`, 'http', res.status);
    }
  }

  return {
    baseUrl,
    version,
    supports: async (feature) => (await version()) >= FEATURES[feature],
    request,
  };
}
