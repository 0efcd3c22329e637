import { describe, expect, it } from 'vitest';
import { createDriftCache, DRY_RUN_MAX_AGE_MS, dryRunKey } from './drift-cache.js';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'cm' };

describe('drift cache', () => {
  it('a dry run is reused for the same revision over the same live object version only', () => {
    const live = (rv: string, uid = 'live-1') => ({ metadata: { uid, resourceVersion: rv } });
    expect(dryRunKey('rev-1', ref, live('5'))).toBe(dryRunKey('rev-1', ref, live('5')));
    expect(dryRunKey('rev-1', ref, live('6'))).not.toBe(dryRunKey('rev-1', ref, live('5')));
    expect(dryRunKey('rev-2', ref, live('5'))).not.toBe(dryRunKey('rev-1', ref, live('5')));
    expect(dryRunKey('rev-1', ref, live('5', 'live-2'))).not.toBe(dryRunKey('rev-1', ref, live('5')));
    expect(dryRunKey('rev-1', { ...ref, name: 'other' }, live('5'))).not.toBe(dryRunKey('rev-1', ref, live('5')));
    expect(dryRunKey('', ref, live('5'))).toBeUndefined();
    expect(dryRunKey('rev-1', ref, {})).toBeUndefined();
  });

  it('forgets a dry run after DRY_RUN_MAX_AGE_MS', () => {
    let now = 0;
    const cache = createDriftCache(() => now);
    cache.rememberDryRun('k', { kind: 'ConfigMap' });
    now = DRY_RUN_MAX_AGE_MS;
    expect(cache.dryRun('k')).toEqual({ kind: 'ConfigMap' });
    now = DRY_RUN_MAX_AGE_MS + 1;
    expect(cache.dryRun('k')).toBeUndefined();
  });

  it('parses a revision manifest once per Secret', () => {
    const cache = createDriftCache();
    let made = 0;
    const make = () => {
      made++;
      return [{ kind: 'ConfigMap' }];
    };
    cache.manifest('uid-1@s.v1', make);
    cache.manifest('uid-1@s.v1', make);
    cache.manifest('uid-2@s.v1', make);
    expect(made).toBe(2);
  });
});
