// What the reconciler needs from the world, as narrow seams: the Site store (the API server,
// or an in-memory map in tests), the source fetcher, per-Site drivers, time, logs, events.

import type { Drivers } from '../../execute/types.js';
import type { Site, SiteStatus } from '../api/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/log.js';
import type { ControllerMetrics } from '../runtime/metrics.js';
import type { FetchedSource, SourceReader } from '../source/types.js';

export interface SiteClient {
  get(namespace: string, name: string): Promise<Site | undefined>;
  /** Replaces status (the status subresource). */
  patchStatus(site: Site, status: SiteStatus): Promise<void>;
  /** Sets metadata.finalizers; returns the updated Site. */
  setFinalizers(site: Site, finalizers: string[]): Promise<Site>;
}

export interface EventRecorder {
  event(site: Site, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SiteDrivers extends Drivers {
  /** Called when the reconcile is done with the drivers (removes a temp kubeconfig...). */
  release?(): Promise<void>;
}

export interface ReconcileDeps {
  sites: SiteClient;
  /** The Site's documents at the newest revision (or at `commit`, for deletion). */
  fetchSource(site: Site, options?: { commit?: string }): Promise<FetchedSource>;
  drivers(site: Site): Promise<SiteDrivers>;
  /** Decoded data of a Secret of the Site's namespace: the values of the Secrets a Site references are never output. */
  readSecret?: SourceReader['readSecret'];
  clock: Clock;
  log: Logger;
  events: EventRecorder;
  metrics?: Pick<ControllerMetrics, 'steps' | 'helmCallDuration'>;
  /** Aborted when the controller shuts down: no new helm/Ironic action starts. */
  shutdown?: AbortSignal;
  /** Throttle of progress writes to status (default 500 ms). */
  statusThrottleMs?: number;
  /** How often a Ready Site is looked at again for drift (default 10 min). */
  driftIntervalMs?: number;
  /** The drivers are in-memory fakes (`--drivers fake`): every status written says so (`status.drivers: fake`). */
  fakeDrivers?: boolean;
}

/** What the queue should do next with the key. */
export type ReconcileResult =
  | { kind: 'done'; requeueAfterMs?: number }
  /** Retry with the queue's per-key backoff. */
  | { kind: 'retry'; error: Error };
