// Test helpers: a loopback HTTP server (port 0) serving files and git repositories through
// `git http-backend` (CGI), and small git/tar fixtures made with the real binaries.
// For unit and e2e tests only; every server is closed by the test that starts it.

import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface TestServer {
  url: string;
  /** Requests seen, as "METHOD /path". */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `files` (path → bytes, read at request time so tests can change them) and git repos under /git/ from gitRoot,
 * on `host` (default 127.0.0.1; an e2e test gives the host's address on the kind network so pods can reach it).
 */
export async function startServer(
  files: Map<string, Buffer>,
  gitRoot?: string,
  host = '127.0.0.1',
): Promise<TestServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    if (gitRoot && url.pathname.startsWith('/git/')) return gitCgi(gitRoot, url, req, res);
    const body = files.get(url.pathname);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Answers one request with `git http-backend` serving the repositories under root (url's path after /git). */
export function gitCgi(root: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname.slice('/git'.length),
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const i = line.indexOf(':');
      const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
      if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
      else res.setHeader(k, v);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => res.end());
}

export async function git(dir: string, ...args: string[]): Promise<string> {
  const r = await execa('git', args, {
    cwd: dir,
    env: {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dir,
    },
  });
  return String(r.stdout).trim();
}

/** Writes files (relative path → text) below dir. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), text);
  }
}

/** A minimal chart's files under `prefix/`. */
export function chartFiles(prefix: string, name: string, message: string): Record<string, string> {
  return {
    [`${prefix}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    [`${prefix}/values.yaml`]: `message: ${JSON.stringify(message)}\n`,
    [`${prefix}/templates/cm.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  message: {{ .Values.message | quote }}\n`,
  };
}

/** tar -czf of a folder's contents. */
export async function tarball(dir: string): Promise<Buffer> {
  const r = await execa('tar', ['-czf', '-', '-C', dir, '.'], { encoding: 'buffer' });
  return Buffer.from(r.stdout as Uint8Array);
}
