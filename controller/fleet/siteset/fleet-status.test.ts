import { describe, expect, it } from 'vitest';
import type { SiteSet } from '../../operator/api/siteset-types.js';
import { fleetStatusView, formatDuration, formatFleetStatus, shortRevision } from './fleet-status.js';
import { siteSet } from './test-fixtures.js';

const NOW = new Date('2026-01-01T00:10:00Z');

function rolling(): SiteSet {
  return siteSet((s) => {
    s.status = {
      conditions: [
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'Progressing',
          message: 'rolling out',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
      summary: { sites: '1/3', wave: '2/2' },
      rollout: {
        revision: 'sha256:0123456789abcdef',
        state: 'Progressing',
        currentWave: 1,
        startedAt: '2026-01-01T00:00:00Z',
        waves: [
          {
            index: 0,
            state: 'Succeeded',
            sites: ['edge-a'],
            startedAt: '2026-01-01T00:00:00Z',
            finishedAt: '2026-01-01T00:01:00Z',
            durationSeconds: 60,
          },
          {
            index: 1,
            name: 'rest',
            state: 'Progressing',
            sites: ['edge-b', 'edge-c'],
            startedAt: '2026-01-01T00:05:00Z',
          },
        ],
      },
      sites: [
        {
          name: 'edge-a',
          siteName: 'a',
          wave: 0,
          state: 'Ready',
          revision: `sha256:${'a'.repeat(64)}`,
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:01:00Z',
          durationSeconds: 60,
        },
        {
          name: 'edge-b',
          siteName: 'b',
          wave: 1,
          state: 'Progressing',
          startedAt: '2026-01-01T00:05:00Z',
          message: 'applying',
        },
        {
          name: 'edge-c',
          siteName: 'c',
          wave: 1,
          state: 'Pending',
          message: 'waiting: maxParallel 1 Sites are updating',
        },
      ],
    };
  });
}

describe('fleet status', () => {
  it('shows per wave and per site: state, revision, duration (running ones counted to now)', () => {
    const [v] = fleetStatusView([rolling()], NOW);
    expect(v!.waves).toEqual([
      {
        wave: 1,
        state: 'Succeeded',
        sites: 1,
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
        durationSeconds: 60,
      },
      {
        wave: 2,
        name: 'rest',
        state: 'Progressing',
        sites: 2,
        startedAt: '2026-01-01T00:05:00Z',
        durationSeconds: 300,
      },
    ]);
    expect(v!.siteStatus.map((s) => [s.name, s.wave, s.state, s.durationSeconds])).toEqual([
      ['edge-a', 1, 'Ready', 60],
      ['edge-b', 2, 'Progressing', 300],
      ['edge-c', 2, 'Pending', undefined],
    ]);
    const text = formatFleetStatus([v!]);
    expect(text).toContain('fleet/edge: Progressing at sha256:0123456789abcdef');
    expect(text).toMatch(/edge-a\s+1\s+Ready\s+sha256:aaaaaaaaaaaa\s+1m00s/);
    expect(text).toMatch(/edge-b\s+2\s+Progressing\s+-\s+5m00s\+\s+applying/);
  });

  it.each([
    [`main@sha1:${'b'.repeat(40)}`, 'main@sha1:bbbbbbbbbbbb'],
    ['sha256:0123456789abcdef', 'sha256:0123456789ab'],
    [undefined, '-'],
  ])('shortRevision(%s) = %s', (r, out) => expect(shortRevision(r)).toBe(out));

  it.each<[number | undefined, string]>([
    [0.25, '0.3s'],
    [75, '1m15s'],
    [7260, '2h01m'],
    [undefined, '-'],
  ])('formatDuration(%s) = %s', (s, out) => expect(formatDuration(s)).toBe(out));
});
