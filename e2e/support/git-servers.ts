// Authenticated git servers for end-to-end tests, on 127.0.0.1 only, each started and stopped
// by the test that needs it:
// - https: `git http-backend` (CGI) behind a Node https server that wants HTTP basic auth,
//   with a certificate signed by a throwaway CA made with openssl when the server starts;
// - ssh: Debian's sshd as a non-daemon child on its own port, with a throwaway host key and
//   one authorized key, serving repositories by path (ssh://USER@127.0.0.1:PORT/abs/path.git).
// Nothing here is committed key material: every key is generated into a temp folder that
// close() removes.

import { type ChildProcess, spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { gitCgi } from '../../controller/source/test-servers.js';

/** A CA and a server certificate for 127.0.0.1 signed by it (PEM). */
export interface TestPki {
  caCert: string;
  serverKey: string;
  serverCert: string;
}

/** A throwaway CA (one day) and a certificate for 127.0.0.1/localhost signed by it, made with openssl. */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-pki-'));
  const ossl = (...args: string[]) => execa('openssl', args, { cwd: dir, stdin: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await ossl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=slipway test CA',
    );
    await ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    await ossl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
      '-out',
      'server.crt',
    );
    const read = (f: string) => readFile(join(dir, f), 'utf8');
    return { caCert: await read('ca.crt'), serverKey: await read('server.key'), serverCert: await read('server.crt') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface HttpsGitServer {
  /** https://127.0.0.1:PORT/git — a repository `x.git` under root is at `${url}/x.git`. */
  url: string;
  /** The CA that signed the server's certificate (PEM): what a client must trust. */
  caCert: string;
  /** Requests seen: "METHOD /path STATUS". */
  requests: string[];
  close(): Promise<void>;
}

/** git http-backend over https with basic auth (one user), serving the bare repositories under root. */
export async function startHttpsGitServer(o: {
  root: string;
  username: string;
  password: string;
  port?: number;
  pki?: TestPki;
}): Promise<HttpsGitServer> {
  const pki = o.pki ?? (await makeTestPki());
  const expected = Buffer.from(`Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`);
  const requests: string[] = [];
  const server = https.createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const given = Buffer.from(req.headers.authorization ?? '');
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    if (!ok || !url.pathname.startsWith('/git/')) {
      requests.push(`${req.method} ${url.pathname} ${ok ? 404 : 401}`);
      res.writeHead(ok ? 404 : 401, ok ? {} : { 'www-authenticate': 'Basic realm="slipway test git"' });
      res.end();
      return;
    }
    requests.push(`${req.method} ${url.pathname} 200`);
    gitCgi(o.root, url, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}/git`,
    caCert: pki.caCert,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An ssh key pair made with ssh-keygen (ed25519, no passphrase). */
export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

export async function makeSshKey(comment = 'slipway-test'): Promise<SshKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-sshkey-'));
  try {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(dir, 'key')], {
      stdin: 'ignore',
    });
    return {
      privateKey: await readFile(join(dir, 'key'), 'utf8'),
      publicKey: (await readFile(join(dir, 'key.pub'), 'utf8')).trim(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SshGitServer {
  /** ssh://USER@127.0.0.1:PORT — append an absolute repository path. */
  url: string;
  port: number;
  /** The known_hosts line for this server's host key. */
  knownHosts: string;
  /** What sshd logged (stderr), for a failing test's message. */
  log(): string;
  close(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

/** Debian's sshd (openssh-server) in the foreground on 127.0.0.1:port, accepting one public key for the current user. */
export async function startSshGitServer(o: { port: number; authorizedKey: string }): Promise<SshGitServer> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-sshd-'));
  const user = userInfo().username;
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'slipway-test-host', '-f', join(dir, 'host_key')], {
    stdin: 'ignore',
  });
  await writeFile(join(dir, 'authorized_keys'), `${o.authorizedKey.trim()}\n`, { mode: 0o600 });
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `Port ${o.port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // As root, sshd wants its privilege-separation folder (created by the ssh service, not the package).
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  let log = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start within 10 s: ${log}`)), 10_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${SSHD} (install Debian's openssh-server): ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}: ${log}`));
    });
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes(`Server listening on 127.0.0.1 port ${o.port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
  }).catch(async (e) => {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    url: `ssh://${user}@127.0.0.1:${o.port}`,
    port: o.port,
    knownHosts: `[127.0.0.1]:${o.port} ${hostKey}\n`,
    log: () => log,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
