// Flags shared by the action files.
import type { ReleaseSpec, WaitSpec } from '../types.js';

/** Helm duration: whole seconds, at least 1. */
export function seconds(n: number): string {
  return `${Math.max(1, Math.ceil(n))}s`;
}

/**
 * Whether the wait is Armada's own (wait.labels / wait.resources given): then helm runs
 * without --wait and Slipway polls exactly those resources (./wait.ts).
 */
export function usesOwnWait(wait: WaitSpec): boolean {
  return wait.enabled && (Object.keys(wait.labels ?? {}).length > 0 || (wait.resources?.length ?? 0) > 0);
}

export function waitTimeoutSeconds(spec: ReleaseSpec): number {
  return spec.wait.timeoutSeconds > 0 ? spec.wait.timeoutSeconds : spec.timeoutSeconds;
}

/**
 * `--wait --timeout <wait.timeout>` when helm itself waits; otherwise only
 * `--timeout <timeout>` (hooks). Bare `--wait` means "wait" in Helm 3 and the default
 * `watcher` strategy in Helm 4.
 */
export function waitArgs(spec: ReleaseSpec): string[] {
  if (spec.wait.enabled && !usesOwnWait(spec.wait)) return ['--wait', '--timeout', seconds(waitTimeoutSeconds(spec))];
  return ['--timeout', seconds(spec.timeoutSeconds)];
}

/** The helm --timeout used by a release action (for the last-resort process timeout). */
export function helmTimeoutSeconds(spec: ReleaseSpec): number {
  return spec.wait.enabled && !usesOwnWait(spec.wait) ? waitTimeoutSeconds(spec) : spec.timeoutSeconds;
}
