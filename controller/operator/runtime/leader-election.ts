// Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does:
// - a candidate reads the Lease every retryPeriod (2 s); it may take it when it is free
//   (no holder) or when the holder has not renewed for leaseDuration (15 s) — measured
//   on this candidate's own clock from when it last saw the record change, so clocks of
//   different machines never need to agree;
// - every write carries the resourceVersion that was read (optimistic concurrency): of two
//   candidates racing for the same Lease, the API server lets one win (409 for the other);
// - the leader renews every retryPeriod; when it has not managed to renew for
//   renewDeadline (10 s) it gives up leadership and calls onStoppedLeading("lost") — the
//   process should then exit, as a controller-runtime manager does;
// - stop() on a leader releases the Lease (empty holder, 1 s duration) so a standby can
//   take over at once instead of waiting out the lease.
// Takeover after a leader's death: ≤ leaseDuration + 2 × retryPeriod (about 19 s).
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { type Clock, realClock, type TimerHandle } from './clock.js';
import { type Logger, nullLogger } from './log.js';
import type { ControllerMetrics } from './metrics.js';

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** ms since the epoch */
  acquireTime?: number;
  /** ms since the epoch */
  renewTime?: number;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** Reads and writes one Lease; the fake in tests implements the same. */
export interface LeaseStore {
  /** undefined when the Lease does not exist. */
  get(): Promise<StoredLease | undefined>;
  /** Throws (409) when it exists already. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** Throws (409) when the Lease changed since `resourceVersion`. */
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
  /** "namespace/name", for logs. */
  readonly description: string;
}

export function apiLeaseStore(kc: KubeConfig, namespace: string, name: string): LeaseStore {
  const api = kc.makeApiClient(CoordinationV1Api);
  const toBody = (record: LeaseRecord, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: resourceVersion ? { name, namespace, resourceVersion } : { name, namespace },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      ...(record.acquireTime !== undefined ? { acquireTime: new V1MicroTime(record.acquireTime) } : {}),
      ...(record.renewTime !== undefined ? { renewTime: new V1MicroTime(record.renewTime) } : {}),
    },
  });
  return {
    description: `${namespace}/${name}`,
    async get() {
      try {
        return fromLease(await api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    create: async (record) => fromLease(await api.createNamespacedLease({ namespace, body: toBody(record) })),
    update: async (record, rv) =>
      fromLease(await api.replaceNamespacedLease({ name, namespace, body: toBody(record, rv) })),
  };
}

function timeOf(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const t = new Date(v as string | Date).getTime();
  return Number.isFinite(t) ? t : undefined;
}

function fromLease(lease: V1Lease): StoredLease {
  const s = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: s.holderIdentity ?? '',
      leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
      acquireTime: timeOf(s.acquireTime),
      renewTime: timeOf(s.renewTime),
      leaseTransitions: s.leaseTransitions ?? 0,
    },
  };
}

function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  return typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

export type StoppedReason = 'lost' | 'released';

export interface LeaderElectionOptions {
  store: LeaseStore;
  /** This candidate's identity (unique per process: pod name + a random suffix). */
  identity: string;
  /** Default 15 000. */
  leaseDurationMs?: number;
  /** Default 10 000; must be less than leaseDurationMs. */
  renewDeadlineMs?: number;
  /** Default 2 000. */
  retryPeriodMs?: number;
  /** Release the Lease on stop() (default true). */
  releaseOnCancel?: boolean;
  onStartedLeading?: () => void;
  /** "lost": renewing failed past the deadline (exit now); "released": stop() while leading. */
  onStoppedLeading?: (reason: StoppedReason) => void;
  /** A different holder was observed (identity, or "" when the Lease is free). */
  onNewLeader?: (identity: string) => void;
  /** Name in leader_election_master_status{name} (default: the Lease name). */
  name?: string;
  metrics?: Pick<ControllerMetrics, 'leaderStatus'>;
  log?: Logger;
  clock?: Clock;
  random?: () => number;
}

export type ElectorState = 'candidate' | 'leading' | 'stopped';

export interface LeaderElector {
  state(): ElectorState;
  isLeader(): boolean;
  /** The holder last observed ("" when free or unknown). */
  leader(): string;
  /**
   * Stops: a leader stops renewing and (unless releaseOnCancel is false or
   * `release: false`) releases the Lease. `release: false` is how tests simulate death.
   */
  stop(options?: { release?: boolean }): Promise<void>;
  /** Resolves when the elector has stopped (lost, released or stopped as candidate). */
  readonly done: Promise<StoppedReason | 'stopped'>;
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElector {
  return new Elector(options);
}

class Elector implements LeaderElector {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private readonly deadlineMs: number;
  private readonly retryMs: number;
  private readonly metricName: string;
  private current: ElectorState = 'candidate';
  private observed: StoredLease | undefined;
  private observedAt = 0;
  private lastRenew = 0;
  private timer: TimerHandle | undefined;
  private busy: Promise<void> = Promise.resolve();
  private finish!: (r: StoppedReason | 'stopped') => void;
  readonly done: Promise<StoppedReason | 'stopped'>;

  constructor(private readonly o: LeaderElectionOptions) {
    this.clock = o.clock ?? realClock;
    this.log = (o.log ?? nullLogger).child({ lease: o.store.description, identity: o.identity });
    this.random = o.random ?? Math.random;
    this.leaseMs = o.leaseDurationMs ?? 15_000;
    this.deadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
    if (this.deadlineMs >= this.leaseMs) throw new Error('renewDeadlineMs must be less than leaseDurationMs');
    this.metricName = o.name ?? o.store.description.split('/').pop() ?? 'slipway';
    this.done = new Promise((resolve) => (this.finish = resolve));
    o.metrics?.leaderStatus.set({ name: this.metricName }, 0);
    this.log.info('leader election: candidate');
    this.schedule(0);
  }

  state(): ElectorState {
    return this.current;
  }

  isLeader(): boolean {
    return this.current === 'leading';
  }

  leader(): string {
    return this.observed?.record.holderIdentity ?? '';
  }

  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.current === 'stopped') return;
    const wasLeading = this.current === 'leading';
    this.current = 'stopped';
    this.clock.clearTimeout(this.timer);
    await this.busy.catch(() => undefined);
    this.o.metrics?.leaderStatus.set({ name: this.metricName }, 0);
    if (!wasLeading) {
      this.finish('stopped');
      return;
    }
    if (!(options.release ?? true) || !(this.o.releaseOnCancel ?? true)) {
      // Stop renewing and leave the Lease to expire (what a crash looks like to others).
      this.log.info('leader election: stopped renewing without releasing');
      this.finish('stopped');
      return;
    }
    await this.release();
    this.log.info('leader election: stopped leading', { reason: 'released' });
    this.o.onStoppedLeading?.('released');
    this.finish('released');
  }

  private schedule(ms: number): void {
    if (this.current === 'stopped') return;
    this.timer = this.clock.setTimeout(() => {
      this.busy = this.tick().catch((err: unknown) => this.log.error('leader election tick failed', { error: err }));
    }, ms);
  }

  private async tick(): Promise<void> {
    if (this.current === 'stopped') return;
    if (this.current === 'candidate') {
      if (await this.tryAcquireOrRenew()) {
        if (this.current !== 'candidate') return; // stopped meanwhile
        this.current = 'leading';
        this.lastRenew = this.clock.now();
        this.o.metrics?.leaderStatus.set({ name: this.metricName }, 1);
        this.log.info('leader election: started leading', { transitions: this.observed?.record.leaseTransitions });
        this.o.onStartedLeading?.();
        this.schedule(this.retryMs);
      } else {
        this.schedule(this.retryMs * (1 + 0.2 * this.random()));
      }
      return;
    }
    // Leading: renew, racing the renew deadline so a hanging request cannot hold us.
    const remaining = this.lastRenew + this.deadlineMs - this.clock.now();
    let deadline: TimerHandle | undefined;
    const renewed = await Promise.race([
      this.tryAcquireOrRenew(),
      new Promise<boolean>((r) => (deadline = this.clock.setTimeout(() => r(false), Math.max(0, remaining)))),
    ]);
    this.clock.clearTimeout(deadline);
    if (this.current !== 'leading') return;
    if (renewed) {
      this.lastRenew = this.clock.now();
      this.schedule(this.retryMs);
      return;
    }
    if (this.clock.now() - this.lastRenew >= this.deadlineMs) {
      this.current = 'stopped';
      this.o.metrics?.leaderStatus.set({ name: this.metricName }, 0);
      this.log.error('leader election: lost the lease (could not renew before the deadline)', {
        deadlineMs: this.deadlineMs,
        lastRenewAgoMs: this.clock.now() - this.lastRenew,
      });
      this.o.onStoppedLeading?.('lost');
      this.finish('lost');
      return;
    }
    this.schedule(this.retryMs);
  }

  private observe(lease: StoredLease | undefined): void {
    const prev = this.observed;
    if (!lease) return;
    if (!prev || prev.resourceVersion !== lease.resourceVersion) {
      this.observed = lease;
      this.observedAt = this.clock.now();
      if (prev?.record.holderIdentity !== lease.record.holderIdentity) {
        if (lease.record.holderIdentity !== this.o.identity) this.o.onNewLeader?.(lease.record.holderIdentity);
        this.log.info('leader election: holder observed', { holder: lease.record.holderIdentity || '(none)' });
      }
    }
  }

  /** One attempt: true when this candidate holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const fresh: LeaseRecord = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.round(this.leaseMs / 1000),
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    let current: StoredLease | undefined;
    try {
      current = await this.o.store.get();
    } catch (err) {
      this.log.warn('leader election: cannot read the lease', { error: err });
      return false;
    }
    if (!current) {
      try {
        const created = await this.o.store.create(fresh);
        this.observe(created);
        return true;
      } catch (err) {
        if (statusOf(err) !== 409) this.log.warn('leader election: cannot create the lease', { error: err });
        return false;
      }
    }
    this.observe(current);
    const held = current.record;
    const mine = held.holderIdentity === this.o.identity;
    const durationMs = held.leaseDurationSeconds > 0 ? held.leaseDurationSeconds * 1000 : this.leaseMs;
    if (held.holderIdentity && !mine && this.observedAt + durationMs > now) return false;
    const next: LeaseRecord = mine
      ? { ...fresh, acquireTime: held.acquireTime ?? now, leaseTransitions: held.leaseTransitions }
      : { ...fresh, leaseTransitions: held.leaseTransitions + 1 };
    try {
      const updated = await this.o.store.update(next, current.resourceVersion);
      this.observe(updated);
      return true;
    } catch (err) {
      if (statusOf(err) !== 409) this.log.warn('leader election: cannot update the lease', { error: err });
      return false;
    }
  }

  private async release(): Promise<void> {
    try {
      const current = await this.o.store.get();
      if (!current || current.record.holderIdentity !== this.o.identity) return;
      const now = this.clock.now();
      await this.o.store.update(
        { ...current.record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
        current.resourceVersion,
      );
      this.log.info('leader election: released the lease');
    } catch (err) {
      this.log.warn('leader election: could not release the lease', { error: err });
    }
  }
}
