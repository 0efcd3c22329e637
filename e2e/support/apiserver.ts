// Restart the local kube-apiserver for real: stop the process e2e/infra/kube.sh started
// (SIGTERM, SIGKILL after 10 s, as kube.sh's own stop does; on SIGTERM the apiserver
// stops listening at once but keeps serving open watches and does not exit while they
// last, so in practice it is the SIGKILL that ends it) and start the same binary again with the same command
// line and environment, read from /proc before stopping it, the way kube.sh starts it:
// setsid, stdin from /dev/null, output appended to e2e/.state/logs/kube-apiserver.log,
// the new PID written to e2e/.state/pids/kube-apiserver.pid (so `kube.sh status` and
// `kube.sh down` keep working). It holds kube.sh's lock (e2e/.state/.kube.lock) while it
// works, so it never races an `up` or `down`, and, like kube.sh, does not pass the lock's
// fd on to the apiserver. In a kind cluster it moves the static pod's manifest out and back.
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { loadE2EEnv, repoRoot } from './env.js';

const STATE = path.join(repoRoot, 'e2e', '.state');
const PID_FILE = path.join(STATE, 'pids', 'kube-apiserver.pid');
const LOG_FILE = path.join(STATE, 'logs', 'kube-apiserver.log');
const LOCK_FILE = path.join(STATE, '.kube.lock');

export interface ApiserverProcess {
  pid: number;
  exe: string;
  args: string[];
  env: Record<string, string>;
}

/** The running apiserver as kube.sh recorded it; throws when it is not running. */
export function apiserverProcess(): ApiserverProcess {
  let pidText: string;
  try {
    pidText = readFileSync(PID_FILE, 'utf8');
  } catch {
    throw new Error(
      `${PID_FILE} does not exist: restarting the apiserver needs the local cluster of e2e/infra/kube.sh (not kind); run \`npm run infra:up\``,
    );
  }
  const pid = Number(pidText.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${PID_FILE} holds no PID`);
  let exe: string;
  let cmdline: string;
  let environ: string;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch (err) {
    throw new Error(`kube-apiserver (pid ${pid} from ${PID_FILE}) is not running: ${(err as Error).message}`);
  }
  if (!path.basename(exe).startsWith('kube-apiserver')) throw new Error(`pid ${pid} is ${exe}, not kube-apiserver`);
  const args = cmdline
    .split('\0')
    .filter((a, i, all) => !(a === '' && i === all.length - 1))
    .slice(1);
  const env: Record<string, string> = {};
  for (const entry of environ.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { pid, exe, args, env };
}

// Positional parameters: $1 lock file, $2 pid file, $3 log, $4 old pid, $5 seconds to
// stay down, $6 binary, then its arguments.
const RESTART_SCRIPT = `
set -euo pipefail
lock=$1 pidfile=$2 log=$3 old=$4 down=$5 bin=$6
shift 6
exec 9>"$lock"
flock -w 120 9 || { echo "kube.sh's lock $lock is held (an up/down running?)" >&2; exit 1; }
[[ $(cat "$pidfile") == "$old" ]] || { echo "the apiserver's pid file changed meanwhile" >&2; exit 1; }
alive() { # a zombie (state Z) has exited already
  [[ -r /proc/$old/stat ]] || return 1
  local st; st=$(awk '{print $3}' "/proc/$old/stat" 2>/dev/null) || return 1
  [[ $st != Z ]]
}
kill -TERM "$old" 2>/dev/null || true
for ((i = 0; i < 100; i++)); do alive || break; sleep 0.1; done
if alive; then kill -KILL "$old" 2>/dev/null || true; sleep 0.5; fi
echo "[e2e] kube-apiserver (pid $old) stopped by e2e/support/apiserver.ts; restarting in $down s" >>"$log"
sleep "$down"
setsid "$bin" "$@" </dev/null >>"$log" 2>&1 9>&- &
echo $! >"$pidfile"
echo $!
`;

export interface RestartResult {
  oldPid: number;
  newPid: number;
  /** From the stop signal until the new process is running (includes downMs). */
  downMs: number;
  /** From the stop signal until /readyz answered ok. */
  readyAfterMs: number;
}

export interface RestartOptions {
  /** Time between the old process exiting and the new one starting (default 0). */
  downMs?: number;
  readyTimeoutMs?: number;
}

// In a kind cluster the apiserver is kubelet's static pod on the control-plane node: moving
// its manifest out stops it (kubelet watches the folder), moving it back starts it again.
// The manifest is put back whatever happens. Positional parameters: $1 seconds to stay down.
const KIND_RESTART_SCRIPT = `
set -euo pipefail
m=/etc/kubernetes/manifests/kube-apiserver.yaml keep=/etc/kubernetes/kube-apiserver.yaml.e2e-stopped
[[ -f $m ]] || { echo "no $m on this node" >&2; exit 1; }
old=$(pgrep -x kube-apiserver | head -n1)
mv "$m" "$keep"
trap '[[ -f $keep ]] && mv -f "$keep" "$m"' EXIT
for ((i = 0; i < 600; i++)); do pgrep -x kube-apiserver >/dev/null || break; sleep 0.1; done
pgrep -x kube-apiserver >/dev/null && { echo "kube-apiserver still runs 60 s after its manifest was moved" >&2; exit 1; }
sleep "$1"
mv -f "$keep" "$m"
for ((i = 0; i < 600; i++)); do new=$(pgrep -x kube-apiserver | head -n1 || true); [[ -n $new ]] && break; sleep 0.1; done
echo "$old \${new:-0}"
`;

async function restartKindApiserver(
  kubeconfig: string,
  cluster: string,
  options: RestartOptions,
): Promise<RestartResult> {
  const start = Date.now();
  const { stdout } = await promisify(execFile)(
    'docker',
    [
      'exec',
      `${cluster}-control-plane`,
      'bash',
      '-c',
      KIND_RESTART_SCRIPT,
      'restart-apiserver',
      ((options.downMs ?? 0) / 1000).toFixed(3),
    ],
    { encoding: 'utf8', timeout: 180_000 + (options.downMs ?? 0) },
  );
  const [oldPid, newPid] = stdout.trim().split(/\s+/).map(Number) as [number, number];
  const downMs = Date.now() - start;
  await waitForReady(kubeconfig, options.readyTimeoutMs ?? 120_000);
  // Process IDs as the control-plane node sees them.
  return { oldPid, newPid, downMs, readyAfterMs: Date.now() - start };
}

/**
 * Stops the apiserver, starts it again, waits for /readyz: the local cluster's process (same binary,
 * arguments, environment), or the kind control-plane node's static pod when the infra runs kind.
 */
export async function restartApiserver(
  kubeconfig: string,
  options: RestartOptions & { kindCluster?: string } = {},
): Promise<RestartResult> {
  const vars = loadE2EEnv();
  const kindCluster =
    options.kindCluster ?? (vars.SLIPWAY_E2E_CLUSTER === 'kind' ? vars.SLIPWAY_KIND_CLUSTER : undefined);
  if (kindCluster) return restartKindApiserver(kubeconfig, kindCluster, options);
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const downSeconds = ((options.downMs ?? 0) / 1000).toFixed(3);
  const proc = apiserverProcess();
  const start = Date.now();
  // Asynchronous on purpose: the informers under test live in this process and must keep
  // running (and noticing the outage) while the apiserver is down.
  const { stdout: out } = await promisify(execFile)(
    'bash',
    [
      '-c',
      RESTART_SCRIPT,
      'restart-apiserver',
      LOCK_FILE,
      PID_FILE,
      LOG_FILE,
      String(proc.pid),
      downSeconds,
      proc.exe,
      ...proc.args,
    ],
    { env: proc.env, encoding: 'utf8', timeout: 180_000 + (options.downMs ?? 0) },
  );
  const newPid = Number(out.trim().split('\n').pop());
  const downMs = Date.now() - start;
  await waitForReady(kubeconfig, readyTimeoutMs);
  return { oldPid: proc.pid, newPid, downMs, readyAfterMs: Date.now() - start };
}

/** Polls /readyz until it says ok. */
export async function waitForReady(kubeconfig: string, timeoutMs: number): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await readyz(kc);
      if (last === 'ok') return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`kube-apiserver not ready after ${timeoutMs} ms (last: ${last})`);
}

async function readyz(kc: KubeConfig): Promise<string> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no cluster');
  const opts: https.RequestOptions = { method: 'GET', timeout: 3000, agent: false };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = https.request(new URL('/readyz', server), opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve(res.statusCode === 200 ? body.trim() : `HTTP ${res.statusCode}: ${body.slice(0, 200)}`),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
