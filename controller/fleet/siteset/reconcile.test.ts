// reconcileSiteSet against an in-memory API (store + writer) and a fake Site controller
// that marks Sites Ready or failed: the shell's wiring of the pure modules.
import { describe, expect, it } from 'vitest';
import type { SiteSet, SiteSetStatus } from '../../operator/api/siteset-types.js';
import type { Site } from '../../operator/api/types.js';
import { FakeClock } from '../../operator/runtime/clock.js';
import { nullLogger } from '../../operator/runtime/log.js';
import { canonicalJson } from './digest.js';
import type { GitLister } from './git-generator.js';
import { Expectations, reconcileSiteSet, type SiteSetDeps } from './reconcile.js';
import { ownedBy } from './sync.js';
import { siteSet, T0 } from './test-fixtures.js';

function world(set: SiteSet) {
  const clock = new FakeClock(T0.getTime());
  const sites = new Map<string, Site>();
  let current = structuredClone(set);
  let statusWrites = 0;
  const applied: string[] = [];
  const deps: SiteSetDeps = {
    store: {
      getSiteSet: () => current,
      sitesOf: (s) =>
        [...sites.values()].filter(
          (x) => ownedBy(x, s.metadata.uid) || x.metadata.labels?.['slipway.dev/siteset'] === s.metadata.name,
        ),
    },
    writer: {
      async applySite(s) {
        applied.push(s.metadata.name);
        const old = sites.get(s.metadata.name);
        const specChanged = !old || canonicalJson(old.spec) !== canonicalJson(s.spec);
        const generation = (old?.metadata.generation ?? 0) + (specChanged ? 1 : 0);
        sites.set(s.metadata.name, {
          ...structuredClone(s),
          metadata: { ...structuredClone(s.metadata), generation, uid: `uid-${s.metadata.name}` },
          ...(old?.status ? { status: old.status } : {}),
        });
      },
      async deleteSite(s) {
        sites.delete(s.metadata.name);
      },
      async releaseSite(s) {
        const x = sites.get(s.metadata.name)!;
        x.metadata.ownerReferences = [];
        delete x.metadata.labels!['slipway.dev/siteset'];
      },
      async patchStatus(_s, status: SiteSetStatus) {
        statusWrites++;
        current = { ...current, status: structuredClone(status) };
      },
    },
    git: { list: async () => ({ error: 'no git here' }), dueIn: () => 0 } satisfies GitLister,
    clock,
    log: nullLogger,
    expectations: new Expectations(clock),
    written: new Map(),
    generatedCache: new Map(),
  };
  /** The fake Site controller: observe the generation and succeed (or fail). */
  const settle = (name: string, ok = true) => {
    const s = sites.get(name)!;
    const g = s.metadata.generation!;
    const c = ok
      ? [
          {
            type: 'Ready',
            status: 'True' as const,
            reason: 'Succeeded',
            message: 'ok',
            lastTransitionTime: T0.toISOString(),
            observedGeneration: g,
          },
        ]
      : [
          {
            type: 'Ready',
            status: 'False' as const,
            reason: 'ApplyFailed',
            message: 'release demo-fail: boom',
            lastTransitionTime: T0.toISOString(),
            observedGeneration: g,
          },
          {
            type: 'Reconciling',
            status: 'True' as const,
            reason: 'ProgressingWithRetry',
            message: 'x',
            lastTransitionTime: T0.toISOString(),
            observedGeneration: g,
          },
        ];
    s.status = { observedGeneration: g, conditions: c, ...(ok ? { lastAppliedRevision: `sha256:${name}-${g}` } : {}) };
  };
  return {
    deps,
    sites,
    clock,
    applied,
    get set() {
      return current;
    },
    edit(fn: (s: SiteSet) => void) {
      current = structuredClone(current);
      fn(current);
      current.metadata.generation = (current.metadata.generation ?? 1) + 1;
    },
    statusWrites: () => statusWrites,
    pass: () => reconcileSiteSet(deps, 'fleet/edge'),
    settle,
  };
}

const canary = (s: SiteSet) => (s.spec.strategy = { waves: [{ count: 1 }] });

describe('reconcileSiteSet', () => {
  it('rolls a SiteSet out: canary first, the rest once it is Ready; then Ready=True', async () => {
    const w = world(siteSet(canary));
    await w.pass();
    expect([...w.sites.keys()]).toEqual(['edge-a']);
    expect(w.set.status?.conditions?.find((c) => c.type === 'Reconciling')?.status).toBe('True');
    // a pass on a cache that shows nothing new starts nothing more
    await w.pass();
    expect(w.applied).toEqual(['edge-a']);
    w.settle('edge-a');
    await w.pass();
    expect([...w.sites.keys()]).toEqual(['edge-a', 'edge-b', 'edge-c']);
    w.settle('edge-b');
    w.settle('edge-c');
    await w.pass();
    expect(w.set.status?.rollout?.state).toBe('Completed');
    expect(w.set.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'RolloutCompleted',
    });
    expect(w.set.status?.summary).toEqual({ sites: '3/3', wave: '2/2' });
    const writes = w.statusWrites();
    await w.pass();
    expect(w.statusWrites()).toBe(writes); // unchanged status is not written again
  });

  it('a template change goes canary first again; a failing canary stops it with Stalled naming the Site', async () => {
    const w = world(siteSet(canary));
    await w.pass();
    w.settle('edge-a');
    await w.pass();
    ['edge-b', 'edge-c'].forEach((n) => w.settle(n));
    await w.pass();
    const before = Object.fromEntries([...w.sites].map(([n, s]) => [n, s.metadata.generation]));
    w.edit((s) => (s.spec.template.spec.timeout = '5m'));
    await w.pass();
    expect(w.sites.get('edge-a')!.metadata.generation).toBe(before['edge-a']! + 1);
    expect(w.sites.get('edge-b')!.metadata.generation).toBe(before['edge-b']);
    w.settle('edge-a', false);
    await w.pass();
    expect(w.set.status?.rollout?.state).toBe('Stalled');
    const stalled = w.set.status?.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled?.status).toBe('True');
    expect(stalled?.message).toContain('edge-a (ApplyFailed: release demo-fail: boom)');
    expect(w.sites.get('edge-b')!.metadata.generation).toBe(before['edge-b']);
  });

  it('an element removed: prune false releases the Site, prune true deletes it', async () => {
    for (const prune of [false, true]) {
      const w = world(siteSet((s) => (s.spec.prune = prune)));
      await w.pass();
      ['edge-a', 'edge-b', 'edge-c'].forEach((n) => w.settle(n));
      w.edit((s) => s.spec.generators[0]!.list!.elements.pop());
      await w.pass();
      if (prune) expect(w.sites.has('edge-c')).toBe(false);
      else expect(w.sites.get('edge-c')!.metadata.ownerReferences).toEqual([]);
    }
  });

  it('a generator that fails deletes nothing and says so', async () => {
    const w = world(siteSet((s) => (s.spec.prune = true)));
    await w.pass();
    w.edit((s) => s.spec.generators.push({ git: { url: 'file:///nowhere', siteType: 'edge' } }));
    w.edit((s) => s.spec.generators[0]!.list!.elements.pop());
    await w.pass();
    expect(w.sites.has('edge-c')).toBe(true);
    expect(w.set.status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'GeneratorFailed',
    });
  });

  it('paused by annotation: nothing starts; removing it resumes', async () => {
    const w = world(siteSet((s) => (s.metadata.annotations = { 'slipway.dev/rollout-paused': 'true' })));
    await w.pass();
    expect(w.sites.size).toBe(0);
    expect(w.set.status?.rollout?.state).toBe('Paused');
    w.edit((s) => delete s.metadata.annotations!['slipway.dev/rollout-paused']);
    await w.pass();
    expect(w.sites.size).toBe(3);
  });

  it('suspended: only a Suspended condition', async () => {
    const w = world(siteSet((s) => (s.spec.suspend = true)));
    await w.pass();
    expect(w.sites.size).toBe(0);
    expect(w.set.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'Unknown', reason: 'Suspended' }),
    ]);
  });
});
