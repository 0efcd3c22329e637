// Writes a Site's status as a reconcile goes: at most once per throttle window for
// progress, at once when asked (a step finished, the run ended), one write at a time, and
// only when the status differs from what was last written.

import type { Site, SiteStatus } from '../api/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/log.js';
import type { SiteClient } from './types.js';

export class StatusWriter {
  private current: SiteStatus;
  private lastJson: string;
  private lastWrite = -Infinity;
  private dirty = false;
  private timer: ReturnType<Clock['setTimeout']> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Status writes made (for tests and the unchanged-Site figure). */
  writes = 0;

  constructor(
    private readonly site: Site,
    private readonly client: SiteClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly throttleMs = 500,
    /** Fields every write carries, whatever the caller passes (e.g. `drivers: fake`). */
    private readonly always: Partial<SiteStatus> = {},
  ) {
    this.current = structuredClone(site.status ?? {});
    this.lastJson = JSON.stringify(this.current);
  }

  get status(): SiteStatus {
    return this.current;
  }

  /** Replaces the status; `now` writes at once, otherwise within the throttle window. */
  update(next: SiteStatus, now = false): Promise<void> {
    this.current = { ...next, ...this.always };
    this.dirty = true;
    if (now) return this.kick();
    if (this.timer === undefined) {
      const wait = Math.max(0, this.lastWrite + this.throttleMs - this.clock.now());
      if (wait === 0) return this.kick();
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        void this.kick();
      }, wait);
    }
    return Promise.resolve();
  }

  /** Writes what is pending; rejects when the write fails. */
  async flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.kick(true);
  }

  private kick(rethrow = false): Promise<void> {
    const run = this.chain.then(() => this.writeIfDirty());
    this.chain = run.catch((e: unknown) => {
      this.dirty = true;
      this.log.warn('status update failed; will retry', { error: e });
    });
    return rethrow ? run : this.chain;
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const snapshot = structuredClone(this.current);
    const json = JSON.stringify(snapshot);
    if (json === this.lastJson) return;
    this.lastWrite = this.clock.now();
    await this.client.patchStatus(this.site, snapshot);
    this.lastJson = json;
    this.writes++;
  }
}
