// The one place a helm process is started. Every action builds its argv and hands it
// here; this adds the connection flags, runs the binary through execa and turns the
// outcome into a HelmResult. A failed helm run is a result (ok: false, helm's exit code,
// helm's own trimmed stderr as `message`), never a thrown error.
import { execa } from '../../subprocess/execa-on-demand.js';
import type { HelmAction, HelmResult } from '../types.js';

export interface HelmOptions {
  /** The helm binary; else $HELM; else `helm` from PATH. */
  helmBinary?: string;
  /** Passed to helm as --kubeconfig and used by the Kubernetes API client. */
  kubeconfigPath?: string;
  /** Passed to helm as --kube-context and used by the Kubernetes API client. */
  kubeContext?: string;
  /** Aborted: a running helm process is terminated (execa's cancelSignal). */
  signal?: AbortSignal;
}

/** One helm invocation, as an action file describes it. */
export interface HelmCall {
  action: HelmAction;
  release: string;
  namespace: string;
  /** The action's own argv (no binary, no connection flags). Never contains values. */
  args: readonly string[];
  /** Helm's own --timeout; the process is killed a minute after it, as a last resort. */
  timeoutSeconds?: number;
}

export type HelmRunner = (call: HelmCall) => Promise<HelmResult>;

/** Exit code reported when helm did not exit by itself (not started, killed, timed out). */
export const NO_EXIT_CODE = -1;
const MAX_MESSAGE = 8_000;

export function helmBinary(options: HelmOptions, env: NodeJS.ProcessEnv = process.env): string {
  return options.helmBinary ?? env.HELM ?? 'helm';
}

/** --kubeconfig / --kube-context, when given. */
export function connectionArgs(options: HelmOptions): string[] {
  const args: string[] = [];
  if (options.kubeconfigPath) args.push('--kubeconfig', options.kubeconfigPath);
  if (options.kubeContext) args.push('--kube-context', options.kubeContext);
  return args;
}

/** The full argv given to the helm binary for a call. */
export function helmArgv(call: HelmCall, options: HelmOptions): string[] {
  return [...call.args, ...connectionArgs(options)];
}

/**
 * Helm's own error text from its stderr: from the first `Error: ` line on when there is
 * one (Helm 4 logs `level=WARN msg=...` lines before it that repeat the error), else all
 * of it; trimmed.
 */
export function helmErrorText(stderr: string): string {
  const lines = stderr.split('\n');
  const first = lines.findIndex((l) => l.startsWith('Error: '));
  return trimMessage(first >= 0 ? lines.slice(first).join('\n') : stderr);
}

function trimMessage(text: string): string {
  const t = text.trim();
  return t.length > MAX_MESSAGE ? `…${t.slice(t.length - MAX_MESSAGE)}` : t;
}

export function createHelmRunner(options: HelmOptions): HelmRunner {
  const binary = helmBinary(options);
  return async (call) => {
    const started = performance.now();
    const result = await execa(binary, helmArgv(call, options), {
      reject: false,
      stdin: 'ignore',
      // The observer reads release Secrets: make sure helm stores them there.
      env: { HELM_DRIVER: 'secret' },
      ...(call.timeoutSeconds ? { timeout: (call.timeoutSeconds + 60) * 1000 } : {}),
      ...(options.signal ? { cancelSignal: options.signal } : {}),
    });
    const durationMs = Math.round(performance.now() - started);
    const base = { action: call.action, release: call.release, namespace: call.namespace, durationMs };
    if (!result.failed) return { ...base, ok: true, exitCode: 0, message: '' };
    const stderr = helmErrorText(String(result.stderr ?? ''));
    let message: string;
    if (result.timedOut) {
      const killed = `helm ${call.action} did not finish within ${(call.timeoutSeconds ?? 0) + 60}s and was killed`;
      message = stderr ? `${killed}: ${stderr}` : killed;
    } else {
      // No stderr: helm never ran (ENOENT...) or was killed by a signal. execa's own
      // message names the binary and the argv, which carries no values.
      message = stderr || trimMessage(result.originalMessage || result.shortMessage || `helm ${call.action} failed`);
    }
    return { ...base, ok: false, exitCode: result.exitCode ?? NO_EXIT_CODE, message };
  };
}
