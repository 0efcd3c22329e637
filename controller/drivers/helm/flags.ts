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

/**
 * Server-side apply, without Helm's client-side check of the rendered objects against the
 * cluster's OpenAPI document: the API server applies each object against that same schema and
 * refuses one it does not fit (`.bogus: field not declared in schema`), before Helm records the
 * revision as deployed. The check cost every helm process a download and parse of the whole
 * OpenAPI document: 0.31-0.37 s of CPU per upgrade with it, 0.17-0.19 s without (helm 4.2.3).
 */
export function serverSideArgs(): string[] {
  return ['--server-side=true', '--disable-openapi-validation'];
}
