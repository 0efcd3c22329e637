import { describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { concurrencyFrom } from './concurrency-option.js';

describe('--concurrency', () => {
  it('reads helm and ironic limits, a bare number as helm, and nothing when absent', () => {
    expect(concurrencyFrom({ concurrency: 'helm=8,ironic=2' })).toEqual({ helm: 8, ironic: 2 });
    expect(concurrencyFrom({ concurrency: 'ironic=5' })).toEqual({ ironic: 5 });
    expect(concurrencyFrom({ concurrency: '10' })).toEqual({ helm: 10 });
    expect(concurrencyFrom({})).toBeUndefined();
  });

  it.each([
    '',
    'helm=0',
    'helm=-1',
    'helm=2.5',
    'helm=1e3',
    'helm=1001',
    'tiller=2',
    'helm=2,helm=3',
    'helm=2=3',
    'helm',
  ])('refuses %j as a usage error', (text) => {
    expect(() => concurrencyFrom({ concurrency: text })).toThrow(UsageError);
  });
});
