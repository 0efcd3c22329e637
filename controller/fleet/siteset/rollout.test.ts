import { describe, expect, it } from 'vitest';
import type { RolloutStrategy, SiteSetStatus } from '../../operator/api/siteset-types.js';
import type { SiteObservation, SitePhase } from './observe.js';
import { planRollout, type RolloutInput, type RolloutSite } from './rollout.js';
import { assignWaves, matchesSelector } from './waves.js';

const NOW = new Date('2026-01-01T01:00:00Z');
const NEW = 'sha256:new';

/** Sites s1..sN; `phases` gives each one's observation (default Outdated: waiting for its wave). */
function input(
  n: number,
  phases: Record<string, SitePhase | SiteObservation> = {},
  patch: Partial<RolloutInput> = {},
  strategy?: RolloutStrategy,
): RolloutInput {
  const sites: RolloutSite[] = Array.from({ length: n }, (_, i) => {
    const name = `s${i + 1}`;
    const p = phases[name] ?? 'Outdated';
    const observed: SiteObservation =
      typeof p === 'string'
        ? {
            phase: p,
            ...(p === 'Outdated' || p === 'Missing' ? {} : { specDigest: NEW }),
            ...(p === 'Failed' ? { message: 'ApplyFailed: boom' } : {}),
          }
        : p;
    return {
      name,
      siteName: name,
      labels: { ring: i === 0 ? 'canary' : i < 3 ? 'early' : 'late' },
      specDigest: NEW,
      observed,
    };
  });
  return { revision: 'rev2', paused: false, sites, now: NOW, ...(strategy ? { strategy } : {}), ...patch };
}

const TWO_WAVES: RolloutStrategy = { waves: [{ count: 1 }] };

describe('assignWaves', () => {
  const sites = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({
    name,
    labels: (i < 2 ? { ring: 'canary' } : {}) as Record<string, string>,
  }));
  it.each<[string, RolloutStrategy['waves'], string[][]]>([
    ['no waves: one wave of every Site', undefined, [['a', 'b', 'c', 'd', 'e']]],
    ['count, then the rest', [{ count: 1 }], [['a'], ['b', 'c', 'd', 'e']]],
    ['percent rounds up', [{ percent: 30 }, { percent: 30 }], [['a', 'b'], ['c', 'd'], ['e']]],
    [
      'selector, then count of what is left',
      [{ selector: { matchLabels: { ring: 'canary' } } }, { count: 2 }],
      [['a', 'b'], ['c', 'd'], ['e']],
    ],
    [
      'a selector takes nothing already taken',
      [{ count: 1 }, { selector: { matchLabels: { ring: 'canary' } } }],
      [['a'], ['b'], ['c', 'd', 'e']],
    ],
    [
      'waves that take everything leave no rest',
      [{ count: 2 }, { percent: 100 }],
      [
        ['a', 'b'],
        ['c', 'd', 'e'],
      ],
    ],
    [
      'a selector that matches nothing is an empty wave',
      [{ selector: { matchLabels: { x: 'y' } } }],
      [[], ['a', 'b', 'c', 'd', 'e']],
    ],
  ])('%s', (_name, waves, expected) => {
    expect(assignWaves(waves, sites).map((w) => w.sites)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof matchesSelector>[0], boolean]>([
    ['matchLabels', { matchLabels: { ring: 'canary' } }, true],
    ['In', { matchExpressions: [{ key: 'ring', operator: 'In', values: ['x', 'canary'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'ring', operator: 'NotIn', values: ['canary'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'ring', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'ring', operator: 'DoesNotExist' }] }, false],
    ['ANDed', { matchLabels: { ring: 'canary' }, matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
  ])('selector %s', (_n, sel, out) => expect(matchesSelector(sel, { ring: 'canary' })).toBe(out));
});

describe('planRollout', () => {
  it.each<{
    name: string;
    in: RolloutInput;
    start: string[];
    state: string;
    waves: string[];
    stalled?: RegExp;
    requeue?: number;
  }>([
    {
      name: 'first pass: only the canary starts',
      in: input(4, {}, {}, TWO_WAVES),
      start: ['s1'],
      state: 'Progressing',
      waves: ['Progressing', 'Pending'],
    },
    {
      name: 'missing Sites are created through the waves too',
      in: input(3, { s1: 'Missing', s2: 'Missing', s3: 'Missing' }, {}, TWO_WAVES),
      start: ['s1'],
      state: 'Progressing',
      waves: ['Progressing', 'Pending'],
    },
    {
      name: 'canary updating → wave 2 waits',
      in: input(4, { s1: 'Updating' }, {}, TWO_WAVES),
      start: [],
      state: 'Progressing',
      waves: ['Progressing', 'Pending'],
    },
    {
      name: 'canary Ready → wave 2 starts, all of it',
      in: input(4, { s1: 'Ready' }, {}, TWO_WAVES),
      start: ['s2', 's3', 's4'],
      state: 'Progressing',
      waves: ['Succeeded', 'Progressing'],
    },
    {
      name: 'maxParallel 2 counts Sites already updating',
      in: input(5, { s1: 'Ready', s2: 'Updating' }, {}, { ...TWO_WAVES, maxParallel: 2 }),
      start: ['s3'],
      state: 'Progressing',
      waves: ['Succeeded', 'Progressing'],
    },
    {
      name: 'canary failed, maxFailures 0 → Stalled naming it, nothing starts',
      in: input(4, { s1: 'Failed' }, {}, TWO_WAVES),
      start: [],
      state: 'Stalled',
      waves: ['Failed', 'Pending'],
      stalled: /1 Site\(s\) failed, more than maxFailures 0: s1 \(ApplyFailed: boom\)/,
    },
    {
      name: 'a failure within maxFailures is tolerated: the next wave starts',
      in: input(4, { s1: 'Failed' }, {}, { ...TWO_WAVES, maxFailures: 1 }),
      start: ['s2', 's3', 's4'],
      state: 'Progressing',
      waves: ['Succeeded', 'Progressing'],
    },
    {
      name: 'two failures over maxFailures 1 → Stalled naming both',
      in: input(4, { s1: 'Ready', s2: 'Failed', s3: 'Failed' }, {}, { ...TWO_WAVES, maxFailures: 1 }),
      start: [],
      state: 'Stalled',
      waves: ['Succeeded', 'Failed'],
      stalled: /s2 .*; s3 /,
    },
    {
      name: 'a Stalled Site counts as a failure',
      in: input(2, { s1: { phase: 'Failed', specDigest: NEW, message: 'RenderFailed: inline/0:3' } }, {}, TWO_WAVES),
      start: [],
      state: 'Stalled',
      waves: ['Failed', 'Pending'],
      stalled: /s1 \(RenderFailed: inline\/0:3\)/,
    },
    {
      name: 'paused → nothing starts',
      in: input(4, {}, { paused: true }, TWO_WAVES),
      start: [],
      state: 'Paused',
      waves: ['Paused', 'Pending'],
    },
    {
      name: 'paused with the canary Ready → wave 2 does not start',
      in: input(4, { s1: 'Ready' }, { paused: true }, TWO_WAVES),
      start: [],
      state: 'Paused',
      waves: ['Succeeded', 'Paused'],
    },
    {
      name: 'every Site Ready → Completed',
      in: input(3, { s1: 'Ready', s2: 'Ready', s3: 'Ready' }, {}, TWO_WAVES),
      start: [],
      state: 'Completed',
      waves: ['Succeeded', 'Succeeded'],
    },
    {
      name: 'a suspended Site does not hold the rollout',
      in: input(2, { s1: 'Suspended' }, {}, TWO_WAVES),
      start: ['s2'],
      state: 'Progressing',
      waves: ['Succeeded', 'Progressing'],
    },
    {
      name: 'no strategy: every Site at once',
      in: input(3),
      start: ['s1', 's2', 's3'],
      state: 'Progressing',
      waves: ['Progressing'],
    },
    {
      name: 'selector waves',
      in: input(
        5,
        { s1: 'Ready' },
        {},
        {
          waves: [{ selector: { matchLabels: { ring: 'canary' } } }, { selector: { matchLabels: { ring: 'early' } } }],
        },
      ),
      start: ['s2', 's3'],
      state: 'Progressing',
      waves: ['Succeeded', 'Progressing', 'Pending'],
    },
  ])('$name', (row) => {
    const plan = planRollout(row.in);
    expect(plan.start).toEqual(row.start);
    expect(plan.rollout.state).toBe(row.state);
    expect(plan.rollout.waves.map((w) => w.state)).toEqual(row.waves);
    if (row.stalled) expect(plan.stalled).toMatch(row.stalled);
    else expect(plan.stalled).toBeUndefined();
  });

  it('pauseBetween: the next wave waits until the earlier one finished that long ago, and says when to look again', () => {
    const strategy: RolloutStrategy = { ...TWO_WAVES, pauseBetween: '10m' };
    const first = planRollout(input(3, { s1: 'Ready' }, {}, strategy));
    expect(first.start).toEqual([]);
    expect(first.rollout.waves[0]!.finishedAt).toBe(NOW.toISOString());
    expect(first.requeueAfterMs).toBe(600_000);
    const previous: SiteSetStatus = { rollout: first.rollout, sites: first.sites };
    const later = (ms: number) =>
      planRollout(input(3, { s1: 'Ready' }, { previous, now: new Date(NOW.getTime() + ms) }, strategy));
    expect(later(599_000).start).toEqual([]);
    expect(later(599_000).requeueAfterMs).toBe(1_000);
    expect(later(600_000).start).toEqual(['s2', 's3']);
  });

  it('records per site and per wave when it started and finished, and the duration', () => {
    const first = planRollout(input(2, {}, {}, TWO_WAVES));
    const s1 = first.sites[0]!;
    expect(s1).toMatchObject({
      name: 's1',
      wave: 0,
      state: 'Progressing',
      startedAt: NOW.toISOString(),
      specDigest: NEW,
    });
    expect(first.sites[1]).toMatchObject({ name: 's2', wave: 1, state: 'Pending', message: 'waiting for wave 1' });
    const t1 = new Date(NOW.getTime() + 42_000);
    const second = planRollout(
      input(
        2,
        { s1: { phase: 'Ready', specDigest: NEW, revision: 'sha256:abc' } },
        { previous: { rollout: first.rollout, sites: first.sites }, now: t1 },
        TWO_WAVES,
      ),
    );
    expect(second.sites[0]).toMatchObject({
      state: 'Ready',
      revision: 'sha256:abc',
      startedAt: NOW.toISOString(),
      finishedAt: t1.toISOString(),
      durationSeconds: 42,
    });
    expect(second.rollout.waves[0]).toMatchObject({
      state: 'Succeeded',
      startedAt: NOW.toISOString(),
      finishedAt: t1.toISOString(),
      durationSeconds: 42,
    });
    expect(second.start).toEqual(['s2']);
    expect(second.counts).toEqual({ total: 2, ready: 1, progressing: 1, failed: 0, pending: 0 });
  });

  it('a Site that failed at its new spec stays failed while its controller retries, until Ready', () => {
    const failed = planRollout(input(2, { s1: 'Failed' }, {}, TWO_WAVES));
    const previous = { rollout: failed.rollout, sites: failed.sites };
    const retrying = planRollout(input(2, { s1: 'Updating' }, { previous }, TWO_WAVES));
    expect(retrying.rollout.state).toBe('Stalled');
    expect(retrying.sites[0]).toMatchObject({ state: 'Failed', message: 'ApplyFailed: boom' });
    const recovered = planRollout(
      input(2, { s1: 'Ready' }, { previous: { rollout: retrying.rollout, sites: retrying.sites } }, TWO_WAVES),
    );
    expect(recovered.rollout.state).toBe('Progressing');
    expect(recovered.start).toEqual(['s2']);
  });

  it('a wave that succeeded at this revision stays so when one of its Sites is later reconciling', () => {
    const done = planRollout(input(3, { s1: 'Ready' }, {}, TWO_WAVES));
    const next = planRollout(
      input(
        3,
        { s1: 'Updating', s2: 'Updating', s3: 'Updating' },
        { previous: { rollout: done.rollout, sites: done.sites } },
        TWO_WAVES,
      ),
    );
    expect(next.rollout.waves.map((w) => w.state)).toEqual(['Succeeded', 'Progressing']);
  });

  it('a Site of a finished wave that went missing is created again at once', () => {
    const done = planRollout(input(3, { s1: 'Ready', s2: 'Ready', s3: 'Ready' }, {}, TWO_WAVES));
    const next = planRollout(
      input(
        3,
        { s1: 'Missing', s2: 'Ready', s3: 'Ready' },
        { previous: { rollout: done.rollout, sites: done.sites } },
        TWO_WAVES,
      ),
    );
    expect(next.start).toEqual(['s1']);
  });

  it('a new revision starts over at the canary', () => {
    const done = planRollout(input(3, { s1: 'Ready', s2: 'Ready', s3: 'Ready' }, {}, TWO_WAVES));
    const next = planRollout(
      input(3, {}, { revision: 'rev3', previous: { rollout: done.rollout, sites: done.sites } }, TWO_WAVES),
    );
    expect(next.start).toEqual(['s1']);
    expect(next.rollout).toMatchObject({
      revision: 'rev3',
      state: 'Progressing',
      currentWave: 0,
      startedAt: NOW.toISOString(),
    });
  });

  it('is stable: planning again from its own status gives the same status', () => {
    const a = planRollout(input(4, { s1: 'Ready', s2: 'Updating' }, {}, { ...TWO_WAVES, maxParallel: 2 }));
    const b = planRollout(
      input(
        4,
        { s1: 'Ready', s2: 'Updating', s3: { phase: 'Updating', specDigest: NEW } },
        { previous: { rollout: a.rollout, sites: a.sites }, now: new Date(NOW.getTime() + 5_000) },
        { ...TWO_WAVES, maxParallel: 2 },
      ),
    );
    expect(b.start).toEqual([]);
    expect(b.rollout).toEqual(a.rollout);
  });
});
