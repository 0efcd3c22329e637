// An extra, throw-away Kubernetes API server for multi-cluster tests: one etcd and one
// kube-apiserver from the binaries e2e/infra/kube.sh built and cached
// (${SLIPWAY_CACHE:-~/.cache/slipway}/bin/<name>-<version>), on free ports of 127.0.0.1,
// with their own CA and certificates (openssl) and state in a temp folder. No
// controller-manager, scheduler or kubelet: enough for charts whose objects need no
// controller (ConfigMaps, with Helm's wait off). The shared cluster of kube.sh is not
// touched; stop() kills exactly the two processes started here and removes the folder.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './env.js';

export interface ExtraCluster {
  name: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** An admin (system:masters) kubeconfig file. */
  kubeconfigPath: string;
  /** Its text (for a Secret). */
  kubeconfig: string;
  /** Where its logs and state are. */
  dir: string;
  stop(): Promise<void>;
}

export function cachedBinaries(): { etcd: string; apiserver: string } {
  const out = execFileSync('bash', [path.join(repoRoot, 'e2e', 'infra', 'kube.sh'), 'versions'], {
    encoding: 'utf8',
  }).trim();
  const v = Object.fromEntries(out.split(/\s+/).map((kv) => kv.split('=') as [string, string]));
  const bin = path.join(
    process.env.SLIPWAY_CACHE || path.join(process.env.HOME || homedir(), '.cache', 'slipway'),
    'bin',
  );
  const etcd = path.join(bin, `etcd-${v.etcd}`);
  const apiserver = path.join(bin, `kube-apiserver-${v.kubernetes}`);
  for (const f of [etcd, apiserver]) {
    if (!existsSync(f))
      throw new Error(`${f} is missing: run \`npm run infra:up\` (it builds and caches the control-plane binaries)`);
  }
  return { etcd, apiserver };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function certs(pki: string): void {
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: ['ignore', 'ignore', 'pipe'] });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=slipway-extra-ca',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'apiserver.key',
    '-out',
    'apiserver.csr',
    '-subj',
    '/CN=kube-apiserver',
  );
  writeFileSync(
    path.join(pki, 'apiserver.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  ssl(
    'x509',
    '-req',
    '-in',
    'apiserver.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'apiserver.crt',
    '-days',
    '2',
    '-extfile',
    'apiserver.ext',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'admin.key',
    '-out',
    'admin.csr',
    '-subj',
    '/O=system:masters/CN=slipway-admin',
  );
  writeFileSync(
    path.join(pki, 'admin.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  ssl(
    'x509',
    '-req',
    '-in',
    'admin.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'admin.crt',
    '-days',
    '2',
    '-extfile',
    'admin.ext',
  );
  ssl('genrsa', '-out', 'sa.key', '2048');
  ssl('rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
}

function kubeconfigText(name: string, server: string, pki: string): string {
  const b64 = (f: string) => readFileSync(path.join(pki, f)).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster:
    server: ${server}
    certificate-authority-data: ${b64('ca.crt')}
users:
- name: ${name}-admin
  user:
    client-certificate-data: ${b64('admin.crt')}
    client-key-data: ${b64('admin.key')}
contexts:
- name: ${name}
  context:
    cluster: ${name}
    user: ${name}-admin
current-context: ${name}
`;
}

function launch(bin: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  child.unref();
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts etcd + kube-apiserver on free ports; resolves once /readyz says ok. */
export async function startExtraCluster(name: string, timeoutMs = 90_000): Promise<ExtraCluster> {
  const bins = cachedBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), `slipway-${name}-`));
  const pki = path.join(dir, 'pki');
  certs(pki);
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcd = launch(
    bins.etcd,
    [
      `--name=${name}`,
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=${name}=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    path.join(dir, 'etcd.log'),
  );
  const apiserver = launch(
    bins.apiserver,
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(pki, 'generated')}`,
      `--tls-cert-file=${path.join(pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${path.join(pki, 'apiserver.key')}`,
      `--client-ca-file=${path.join(pki, 'ca.crt')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`,
      '--api-audiences=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.97.0.0/16',
      '--authorization-mode=RBAC',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
    ],
    path.join(dir, 'kube-apiserver.log'),
  );
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = kubeconfigText(name, server, pki);
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcess(apiserver);
    await stopProcess(etcd);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await readyz(server, pki).catch(() => '');
    if (ready === 'ok') break;
    const dead = [etcd, apiserver].find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead || Date.now() > deadline) {
      const log = readFileSync(path.join(dir, dead === etcd ? 'etcd.log' : 'kube-apiserver.log'), 'utf8')
        .split('\n')
        .slice(-15)
        .join('\n');
      await stop();
      throw new Error(
        `extra cluster ${name}: ${dead ? 'a process exited' : `not ready after ${timeoutMs} ms`}; log tail:\n${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { name, server, kubeconfigPath, kubeconfig, dir, stop };
}

async function readyz(server: string, pki: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}/readyz`,
      {
        ca: readFileSync(path.join(pki, 'ca.crt')),
        cert: readFileSync(path.join(pki, 'admin.crt')),
        key: readFileSync(path.join(pki, 'admin.key')),
        timeout: 3_000,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body.trim()));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}
