// The list/watch transport against a tiny API server on 127.0.0.1 (plain HTTP).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeHttpError, pathListWatch, type WatchEvent } from './kube-http.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function fakeApi(handler: Handler): Promise<{ kc: KubeConfig; requests: string[] }> {
  const requests: string[] = [];
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${url.pathname}${url.search}`);
    handler(req, res, url);
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't0ken' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { kc, requests };
}

const cm = (name: string, rv: string) => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });

describe('pathListWatch', () => {
  it('lists every page, fills in apiVersion/kind, sends the bearer token and selectors', async () => {
    let auth: string | undefined;
    const { kc, requests } = await fakeApi((req, res, url) => {
      auth = req.headers.authorization;
      const page2 = url.searchParams.get('continue') === 'p2';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'ConfigMapList',
          apiVersion: 'v1',
          metadata: page2 ? { resourceVersion: '42' } : { resourceVersion: '41', continue: 'p2' },
          items: page2 ? [cm('b', '40')] : [cm('a', '39')],
        }),
      );
    });
    const src = pathListWatch<KubernetesObject>(kc, '/api/v1/namespaces/ns/configmaps', {
      labelSelector: 'app=x',
      pageSize: 1,
    });
    const out = await src.list(new AbortController().signal);
    expect(out.resourceVersion).toBe('42');
    expect(out.items.map((i) => [i.kind, i.apiVersion, i.metadata?.name])).toEqual([
      ['ConfigMap', 'v1', 'a'],
      ['ConfigMap', 'v1', 'b'],
    ]);
    expect(auth).toBe('Bearer t0ken');
    expect(requests).toEqual([
      '/api/v1/namespaces/ns/configmaps?labelSelector=app%3Dx&limit=1',
      '/api/v1/namespaces/ns/configmaps?labelSelector=app%3Dx&limit=1&continue=p2',
    ]);
  });

  it('an error status becomes a KubeHttpError with the Status message', async () => {
    const { kc } = await fakeApi((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          message: 'configmaps is forbidden: User "x"',
          reason: 'Forbidden',
          code: 403,
        }),
      );
    });
    const err = await pathListWatch(kc, '/api/v1/configmaps')
      .list(new AbortController().signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeHttpError);
    expect(err).toMatchObject({
      statusCode: 403,
      reason: 'Forbidden',
      message: 'configmaps is forbidden: User "x" (HTTP 403)',
    });
  });

  it('watch: streams events split across chunks, asks for bookmarks and a timeout, resolves on a clean end', async () => {
    const { kc, requests } = await fakeApi((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      const line = (e: object) => `${JSON.stringify(e)}\n`;
      const all =
        line({ type: 'ADDED', object: cm('a', '43') }) +
        line({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '50' } } });
      res.write(all.slice(0, 20));
      setTimeout(() => {
        res.write(all.slice(20));
        res.end();
      }, 20);
    });
    const events: WatchEvent<KubernetesObject>[] = [];
    await pathListWatch(kc, '/api/v1/configmaps', { watchTimeoutSeconds: () => 321 }).watch(
      '42',
      (e) => events.push(e),
      new AbortController().signal,
    );
    expect(events.map((e) => [e.type, e.object.metadata?.resourceVersion])).toEqual([
      ['ADDED', '43'],
      ['BOOKMARK', '50'],
    ]);
    expect(requests[0]).toBe(
      '/api/v1/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=321&resourceVersion=42',
    );
  });

  it('watch: rejects when the connection breaks mid-stream, on HTTP 410, and when idle too long; abort ends it', async () => {
    let mode = 'drop';
    const { kc } = await fakeApi((req, res) => {
      if (mode === 'gone') {
        res.writeHead(410, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', message: 'too old resource version', reason: 'Expired', code: 410 }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: cm('a', '1') })}\n`);
      if (mode === 'drop') setTimeout(() => req.socket.destroy(), 20);
    });
    const src = (idleMs?: number) => pathListWatch(kc, '/api/v1/configmaps', idleMs ? { idleMs } : {});
    await expect(src().watch('1', () => undefined, new AbortController().signal)).rejects.toThrow(
      /closed mid-stream|socket hang up|aborted/,
    );
    mode = 'gone';
    await expect(src().watch('1', () => undefined, new AbortController().signal)).rejects.toMatchObject({
      statusCode: 410,
    });
    mode = 'hang';
    await expect(src(200).watch('1', () => undefined, new AbortController().signal)).rejects.toThrow(
      /nothing received for 200 ms/,
    );
    const ac = new AbortController();
    const p = src().watch('1', () => undefined, ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await expect(p).rejects.toThrow('stop');
  });

  it('a handler error on an event ends the watch with that error', async () => {
    const { kc } = await fakeApi((_req, res) => {
      res.writeHead(200);
      res.write(`${JSON.stringify({ type: 'ERROR', object: { code: 410 } })}\n`);
    });
    await expect(
      pathListWatch(kc, '/api/v1/configmaps').watch(
        '1',
        () => {
          throw Object.assign(new Error('gone'), { statusCode: 410 });
        },
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({ statusCode: 410 });
  });
});
