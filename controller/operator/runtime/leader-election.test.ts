import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { type LeaseRecord, type LeaseStore, type StoredLease, startLeaderElection } from './leader-election.js';
import { createMetrics } from './metrics.js';

/** One Lease in memory with resourceVersion checks, shared by several candidates. */
class FakeLeaseServer {
  lease: StoredLease | undefined;
  rv = 0;
  down = false;
  writes: string[] = [];

  store(who: string): LeaseStore {
    const check = () => {
      if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    return {
      description: 'kube-system/slipway',
      get: async () => {
        check();
        return this.lease && structuredClone(this.lease);
      },
      create: async (record: LeaseRecord) => {
        check();
        if (this.lease) throw Object.assign(new Error('exists'), { code: 409 });
        this.writes.push(`${who} create`);
        this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
        return structuredClone(this.lease);
      },
      update: async (record: LeaseRecord, resourceVersion: string) => {
        check();
        if (!this.lease || this.lease.resourceVersion !== resourceVersion)
          throw Object.assign(new Error('conflict'), { code: 409 });
        this.writes.push(`${who} update ${record.holderIdentity || '(release)'}`);
        this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
        return structuredClone(this.lease);
      },
    };
  }
}

describe('leader election', () => {
  it('first candidate leads, second waits; when the leader dies the second takes over within lease + retry', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const metrics = createMetrics({ processMetrics: false });
    const events: string[] = [];
    const a = startLeaderElection({
      store: server.store('a'),
      identity: 'a',
      clock,
      random: () => 0,
      metrics,
      onStartedLeading: () => events.push(`a leads @${clock.now() - start}`),
    });
    const start = clock.now();
    await clock.advance(0);
    expect(a.isLeader()).toBe(true);
    expect(await metrics.text()).toContain('leader_election_master_status{name="slipway"} 1');
    const b = startLeaderElection({
      store: server.store('b'),
      identity: 'b',
      clock,
      random: () => 0,
      onStartedLeading: () => events.push(`b leads @${clock.now() - start}`),
    });
    await clock.advance(20_000);
    expect(b.isLeader()).toBe(false);
    expect(b.leader()).toBe('a');
    expect(server.lease?.record).toMatchObject({ holderIdentity: 'a', leaseTransitions: 0, leaseDurationSeconds: 15 });

    const death = clock.now();
    await a.stop({ release: false });
    let tookOver: number | undefined;
    for (let t = 0; t < 30_000 && tookOver === undefined; t += 100) {
      await clock.advance(100);
      if (b.isLeader()) tookOver = clock.now() - death;
    }
    expect(tookOver).toBeDefined();
    expect(tookOver as number).toBeGreaterThanOrEqual(13_000);
    expect(tookOver as number).toBeLessThanOrEqual(15_000 + 2 * 2_000);
    expect(server.lease?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('the leader renews every retry period, keeping acquireTime', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = startLeaderElection({ store: server.store('a'), identity: 'a', clock });
    await clock.advance(0);
    const acquired = server.lease?.record.acquireTime;
    await clock.advance(10_000);
    expect(server.writes.filter((w) => w === 'a update a')).toHaveLength(5);
    expect(server.lease?.record.acquireTime).toBe(acquired);
    expect(server.lease?.record.renewTime).toBe(clock.now());
    await a.stop();
  });

  it("gives up leadership when renewing fails past the 10 s deadline and calls onStoppedLeading('lost')", async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const stopped: string[] = [];
    const a = startLeaderElection({
      store: server.store('a'),
      identity: 'a',
      clock,
      onStoppedLeading: (r) => stopped.push(`${r} @${clock.now() - t0}`),
    });
    await clock.advance(0);
    const t0 = clock.now();
    server.down = true;
    await clock.advance(9_000);
    expect(a.isLeader()).toBe(true);
    await clock.advance(3_000);
    expect(a.isLeader()).toBe(false);
    expect(stopped).toEqual(['lost @10000']);
    expect(await a.done).toBe('lost');
  });

  it('a renew that hangs cannot keep a leader past the deadline', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const store = server.store('a');
    let hang = false;
    const a = startLeaderElection({
      store: { ...store, get: () => (hang ? new Promise(() => undefined) : store.get()) },
      identity: 'a',
      clock,
    });
    await clock.advance(0);
    const t0 = clock.now();
    hang = true;
    await clock.advance(12_000);
    expect(await a.done).toBe('lost');
    expect(clock.now() - t0).toBe(12_000);
  });

  it('stop() releases the Lease so a standby takes over at once', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = startLeaderElection({ store: server.store('a'), identity: 'a', clock, random: () => 0 });
    await clock.advance(0);
    const b = startLeaderElection({ store: server.store('b'), identity: 'b', clock, random: () => 0 });
    await clock.advance(1000);
    const reasons: string[] = [];
    void a.done.then((r) => reasons.push(r));
    await a.stop();
    expect(server.lease?.record.holderIdentity).toBe('');
    await clock.advance(2_000);
    expect(b.isLeader()).toBe(true);
    expect(reasons).toEqual(['released']);
    await b.stop();
  });

  it('two candidates racing for a new Lease: exactly one wins (409 for the other)', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = startLeaderElection({ store: server.store('a'), identity: 'a', clock });
    const b = startLeaderElection({ store: server.store('b'), identity: 'b', clock });
    await clock.advance(0);
    await clock.advance(5_000);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    await a.stop();
    await b.stop();
  });
});
