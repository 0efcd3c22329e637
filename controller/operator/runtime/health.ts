// The probe and metrics endpoint (node:http, 127.0.0.1 unless told otherwise):
//   GET /metrics   Prometheus text exposition of the registry
//   GET /healthz   200 "ok" while the process serves requests
//   GET /readyz    200 when every readiness check passes, else 503 listing the failures
// One server can serve all three; the manager may start two (metrics and probes apart).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A readiness check: undefined/true when ready, or a reason it is not. */
export type ReadyCheck = () => true | undefined | string;

export interface HealthServerOptions {
  /** "host:port" (default "127.0.0.1:8081"); port 0 picks a free one. */
  bindAddress?: string;
  /** Serve /metrics from this registry (omit to serve only probes). */
  registry?: Registry;
  /** Named checks behind /readyz. */
  readyChecks?: Record<string, ReadyCheck>;
  /** Serve /healthz and /readyz (default true). */
  probes?: boolean;
}

export interface HealthServer {
  /** The address actually bound (resolves port 0). */
  address(): { host: string; port: number };
  url(): string;
  close(): Promise<void>;
}

/** `host:port`; an empty host (`:8080`, as controller-runtime's flags have it) is every interface: in a pod the kubelet's probes and Prometheus connect to the pod IP. */
export function parseBindAddress(bind: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(bind.trim());
  if (!m) throw new Error(`bind address "${bind}" is not host:port`);
  const host = m[1] ?? (m[2] || undefined);
  return { host, port: Number(m[3]) };
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseBindAddress(options.bindAddress ?? '127.0.0.1:8081');
  const probes = options.probes ?? true;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/metrics' && options.registry) {
      const registry = options.registry;
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (err: unknown) => send(500, `metrics: ${String(err)}\n`),
      );
      return;
    }
    if (probes && (path === '/healthz' || path === '/livez')) return send(200, 'ok');
    if (probes && path === '/readyz') {
      const failed: string[] = [];
      for (const [name, check] of Object.entries(options.readyChecks ?? {})) {
        let r: ReturnType<ReadyCheck>;
        try {
          r = check();
        } catch (err) {
          r = String(err);
        }
        if (r !== undefined && r !== true) failed.push(`${name}: ${r}`);
      }
      return failed.length === 0 ? send(200, 'ok') : send(503, `${failed.join('\n')}\n`);
    }
    send(404, 'not found\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = () => {
    const a = server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  };
  return {
    address,
    url: () => {
      const a = address();
      return `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
