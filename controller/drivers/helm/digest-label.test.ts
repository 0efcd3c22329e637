import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestLabelValue, digestMatches, isValidLabelValue } from './digest-label.js';

describe('digest label', () => {
  const rows: Array<{ digest: string; stored: string }> = [
    { digest: '0123abcd', stored: '0123abcd' },
    { digest: 'a'.repeat(63), stored: 'a'.repeat(63) },
    { digest: 'b'.repeat(64), stored: createHash('sha256').update('b'.repeat(64)).digest('hex').slice(0, 63) },
    { digest: 'sha256:abc', stored: createHash('sha256').update('sha256:abc').digest('hex').slice(0, 63) },
    { digest: '-abc', stored: createHash('sha256').update('-abc').digest('hex').slice(0, 63) },
  ];
  for (const row of rows) {
    it(`${row.digest.slice(0, 20)} (${row.digest.length} chars)`, () => {
      expect(digestLabelValue(row.digest)).toBe(row.stored);
      expect(isValidLabelValue(digestLabelValue(row.digest))).toBe(true);
      expect(digestMatches(row.stored, row.digest)).toBe(true);
    });
  }
  it('no stored digest never matches', () => expect(digestMatches(undefined, 'x')).toBe(false));
  it('another digest does not match', () => expect(digestMatches('abc', 'abd')).toBe(false));
});
