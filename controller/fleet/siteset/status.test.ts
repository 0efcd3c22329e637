import { describe, expect, it } from 'vitest';
import type { SiteRolloutState, SiteSetStatus } from '../../operator/api/siteset-types.js';
import { storedStatus } from './status.js';

const status = (states: SiteRolloutState[]): SiteSetStatus => ({
  sites: states.map((state, i) => ({ name: `s${i}`, siteName: `s${i}`, wave: 0, state })),
  counts: {
    total: states.length,
    ready: states.filter((s) => s === 'Ready').length,
    progressing: 0,
    failed: 0,
    pending: 0,
  },
});

describe('storedStatus', () => {
  it('stores every Site while they fit', () => {
    const s = status(['Ready', 'Pending', 'Ready']);
    expect(storedStatus(s, 3)).toBe(s);
  });

  it('past the limit, keeps Failed, then Progressing, then Pending Sites (Ready last), in their order; counts untouched', () => {
    const s = status(['Ready', 'Pending', 'Ready', 'Progressing', 'Failed', 'Pending', 'Ready']);
    const stored = storedStatus(s, 3);
    expect(stored.sites!.map((x) => `${x.name}:${x.state}`)).toEqual(['s1:Pending', 's3:Progressing', 's4:Failed']);
    expect(stored.counts).toEqual(s.counts);
    expect(s.sites).toHaveLength(7);
    expect(storedStatus(s, 4).sites!.map((x) => x.name)).toEqual(['s1', 's3', 's4', 's5']);
  });
});
