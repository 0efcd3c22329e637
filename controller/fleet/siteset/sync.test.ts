import { describe, expect, it } from 'vitest';
import type { SiteSet } from '../../operator/api/siteset-types.js';
import type { Site } from '../../operator/api/types.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';
import { type Generated, generateSites } from './generate.js';
import { observeSite } from './observe.js';
import { contains, planSync, siteObject } from './sync.js';
import { type SiteState, siteAt, siteSet } from './test-fixtures.js';

describe('observeSite', () => {
  const set = siteSet();
  const d = generateSites(set).sites[0]!;
  it.each<[string, Site | undefined, string, RegExp?]>([
    ['no Site', undefined, 'Missing'],
    ['another spec digest', siteAt(set, d, 'ready', { digest: 'sha256:old' }), 'Outdated'],
    ['Ready at this generation', siteAt(set, d, 'ready'), 'Ready'],
    ['generation not yet observed', siteAt(set, d, 'unobserved'), 'Updating', /observe generation 2/],
    ['reconciling', siteAt(set, d, 'progressing'), 'Updating'],
    ['Ready=False after an apply', siteAt(set, d, 'failed'), 'Failed', /ApplyFailed: release demo-fail failed/],
    ['Stalled', siteAt(set, d, 'stalled'), 'Failed', /RenderFailed: inline\/0:3: bad/],
    ['suspended', siteAt(set, d, 'suspended'), 'Suspended'],
  ])('%s → %s', (_n, site, phase, message) => {
    const o = observeSite(site, d.specDigest);
    expect(o.phase).toBe(phase);
    if (message) expect(o.message).toMatch(message);
  });
});

describe('planSync', () => {
  const set = siteSet((s) => (s.spec.prune = true));
  const generated = generateSites(set);
  const [a, b, c] = generated.sites as [
    Generated['sites'][number],
    Generated['sites'][number],
    Generated['sites'][number],
  ];
  const owned = (d: typeof a, state: SiteState = 'ready') => siteAt(set, d, state);
  const orphan = (name: string): Site => ({ ...owned(a), metadata: { ...owned(a).metadata, name } });

  it.each<{
    name: string;
    set?: (s: SiteSet) => void;
    gen?: (g: Generated) => Generated;
    existing: () => Site[];
    expect: Partial<ReturnType<typeof planSync>>;
  }>([
    { name: 'every Site at its spec → nothing', existing: () => [owned(a), owned(b), owned(c)], expect: {} },
    { name: "missing Sites are the rollout's job, not sync's", existing: () => [], expect: {} },
    {
      name: 'owned and no longer generated, prune: true → delete',
      existing: () => [owned(a), owned(b), owned(c), orphan('edge-gone')],
      expect: { delete: ['edge-gone'] },
    },
    {
      name: 'prune: false → release instead',
      set: (s) => (s.spec.prune = false),
      existing: () => [owned(a), orphan('edge-gone')],
      expect: { release: ['edge-gone'] },
    },
    {
      name: 'a generator incomplete → kept, never deleted',
      gen: (g) => ({ ...g, complete: false }),
      existing: () => [orphan('edge-gone')],
      expect: { kept: ['edge-gone'] },
    },
    {
      name: 'a Site being deleted is left alone',
      existing: () => [
        {
          ...orphan('edge-gone'),
          metadata: { ...orphan('edge-gone').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
        },
      ],
      expect: {},
    },
    {
      name: "someone else's Site with another name is not ours",
      existing: () => [{ ...orphan('other'), metadata: { name: 'other', ownerReferences: [] } }],
      expect: {},
    },
    {
      name: 'edited by hand at the same digest → drifted',
      existing: () => {
        const s = owned(a);
        s.spec.timeout = '1m';
        s.spec.source.inline!.documents = [];
        return [s];
      },
      expect: { drifted: ['edge-a'] },
    },
    {
      name: "API defaults and someone else's labels are not drift",
      existing: () => {
        const s = owned(a);
        s.spec.deletionPolicy = 'Orphan';
        s.metadata.labels = { ...s.metadata.labels, team: 'x' };
        return [s];
      },
      expect: {},
    },
    {
      name: 'same name, no controller, at its spec → adopt',
      existing: () => [{ ...owned(a), metadata: { ...owned(a).metadata, ownerReferences: [] } }],
      expect: { adopt: ['edge-a'] },
    },
    {
      name: 'same name, controlled by something else → conflict',
      existing: () => [
        {
          ...owned(a),
          metadata: {
            ...owned(a).metadata,
            ownerReferences: [{ apiVersion: 'x/v1', kind: 'Other', name: 'o', uid: 'u2', controller: true }],
          },
        },
      ],
      expect: { conflicts: [{ name: 'edge-a', message: 'Site edge-a is controlled by Other o, not by this SiteSet' }] },
    },
  ])('$name', (row) => {
    const s = structuredClone(set);
    row.set?.(s);
    const g = row.gen ? row.gen(generated) : generated;
    expect(planSync(s, g, row.existing())).toEqual({
      drifted: [],
      adopt: [],
      conflicts: [],
      delete: [],
      release: [],
      kept: [],
      ...row.expect,
    });
  });

  it('a generated Site object is owned by the SiteSet (controller, blockOwnerDeletion) and carries its digest', () => {
    const o = siteObject(set, a);
    expect(o.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'slipway.dev/v1alpha1',
        kind: 'SiteSet',
        name: 'edge',
        uid: 'uid-edge',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(o.metadata.annotations?.[SPEC_DIGEST_ANNOTATION]).toBe(a.specDigest);
    expect(o.metadata.namespace).toBe('fleet');
  });

  it.each<[unknown, unknown, boolean]>([
    [{ a: 1, b: 2 }, { a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: [1, { x: 1, y: 2 }] }, { a: [1, { x: 1 }] }, true],
    [{ a: [1, 2] }, { a: [1] }, false],
    [{ a: '1' }, { a: 1 }, false],
  ])('contains(%j, %j) = %s', (actual, wanted, out) => expect(contains(actual, wanted)).toBe(out));
});
