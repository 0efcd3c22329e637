// GET a URL into memory, optionally through an HTTP proxy (Armada's `proxy_server`): an http
// URL is asked of the proxy in absolute form, an https URL goes through a CONNECT tunnel.
// Redirects are followed (up to 5). Rejects with a short reason, never a stack.

import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';

export interface GetOptions {
  proxy?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function httpGet(url: string, options: GetOptions = {}, redirects = 5): Promise<Buffer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new Error(`unsupported URL scheme ${target.protocol}`);
  const timeout = options.timeoutMs ?? 120_000;
  const tunnel =
    options.proxy && target.protocol === 'https:' ? await connectTunnel(options.proxy, target, timeout) : undefined;
  return new Promise<Buffer>((resolvePromise, reject) => {
    const proxy = options.proxy && target.protocol === 'http:' ? new URL(options.proxy) : undefined;
    const request = proxy
      ? http.request({
          host: proxy.hostname,
          port: proxy.port || 80,
          path: target.href,
          headers: { host: target.host },
          timeout,
        })
      : (target.protocol === 'https:' ? https : http).request(target, {
          timeout,
          ...(tunnel ? { createConnection: () => tunnel, agent: false } : {}),
        });
    const abort = () => request.destroy(new Error('aborted'));
    options.signal?.addEventListener('abort', abort, { once: true });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${Math.round(timeout / 1000)} s`)));
    request.on('error', (e) => reject(new Error(shortReason(e))));
    request.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        httpGet(new URL(res.headers.location, target).href, options, redirects - 1).then(resolvePromise, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new Error(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(new Error(shortReason(e))));
      res.on('end', () => resolvePromise(Buffer.concat(chunks)));
    });
    request.end();
  });
}

function connectTunnel(proxyUrl: string, target: URL, timeout: number): Promise<Socket> {
  const proxy = new URL(proxyUrl);
  const port = target.port || '443';
  return new Promise((resolvePromise, reject) => {
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: `${target.hostname}:${port}`,
      timeout,
    });
    req.on('timeout', () => req.destroy(new Error('proxy did not answer')));
    req.on('error', (e) => reject(new Error(`proxy ${proxy.host}: ${shortReason(e)}`)));
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${proxy.host} refused the tunnel: HTTP ${res.statusCode}`));
        return;
      }
      resolvePromise(tls.connect({ socket, servername: target.hostname }));
    });
    req.end();
  });
}

function shortReason(e: Error & { code?: string }): string {
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? `: ${e.message}` : ''}` : e.message;
}
