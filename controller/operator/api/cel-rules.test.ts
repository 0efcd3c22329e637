import { describe, expect, it } from 'vitest';
import { CEL, type CelRuleName, celCheck, goDurationNanos } from './cel-rules.js';

describe("goDurationNanos (Go's time.ParseDuration, units required)", () => {
  it.each([
    ['5m', 300_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['300ms', 300_000_000n],
    ['10us', 10_000n],
    ['7ns', 7n],
    ['0s', 0n],
    ['2562047h', 2_562_047n * 3_600_000_000_000n],
  ])('%s', (text, nanos) => {
    expect(goDurationNanos(text)).toBe(nanos);
  });

  it.each(['', '5', '5 m', '-5m', '+5m', '1d', '5M', '.5s', '5.s', '1h 30m', '99999999999h', 'µs'])(
    'rejects %j',
    (text) => {
      expect(goDurationNanos(text)).toBeUndefined();
    },
  );
});

// Rows: the value `self` is bound to, and what the CEL rule evaluates to for it.
const ROWS: Record<CelRuleName, [unknown, boolean][]> = {
  exactlyOneSource: [
    [{ git: {} }, true],
    [{ inline: {} }, true],
    [{}, false],
    [{ git: {}, inline: {} }, false],
  ],
  exactlyOneGenerator: [
    [{ list: {} }, true],
    [{ git: {} }, true],
    [{}, false],
    [{ list: {}, git: {} }, false],
  ],
  atMostOneRef: [
    [{}, true],
    [{ branch: 'main' }, true],
    [{ commit: 'abc1234' }, true],
    [{ branch: 'a', tag: 'b' }, false],
    [{ branch: 'a', tag: 'b', commit: 'c' }, false],
  ],
  exactlyOneWaveSize: [
    [{ count: 1 }, true],
    [{ percent: 10 }, true],
    [{ selector: {} }, true],
    [{ name: 'x' }, false],
    [{ count: 1, selector: {} }, false],
  ],
  inlineNotEmpty: [
    [{ documents: [{}] }, true],
    [{ configMapRefs: [{ name: 'a' }] }, true],
    [{ documents: [] }, false],
    [{}, false],
    [{ documents: [], configMapRefs: [] }, false],
  ],
  positiveDuration: [
    ['5m', true],
    ['1h30m', true],
    ['0s', false],
    ['0h0m', false],
    ['five', false],
    ['99999999999h', false],
  ],
  gitUrl: [
    ['https://h/r.git', true],
    ['ssh://git@h/r', true],
    ['file:///srv/r', true],
    ['git@h.example:org/r.git', true],
    ['ftp://h/r', false],
    ['https://h/my r', false],
    ['/srv/r', false],
  ],
  httpUrl: [
    ['http://127.0.0.1:6385', true],
    ['https://ironic.example/v1', true],
    ['127.0.0.1:6385', false],
    ['ftp://x', false],
  ],
  noSiteName: [
    [{}, true],
    [{ siteName: 'a' }, false],
  ],
  relativePath: [
    ['site-manifests', true],
    ['.', true],
    ['a/..b/c', true],
    ['..a', true],
    ['', true],
    ['/etc', false],
    ['..', false],
    ['../x', false],
    ['a/../b', false],
    ['a/..', false],
  ],
  selectorValues: [
    [{ key: 'a', operator: 'In', values: ['x'] }, true],
    [{ key: 'a', operator: 'NotIn', values: [] }, false],
    [{ key: 'a', operator: 'In' }, false],
    [{ key: 'a', operator: 'Exists' }, true],
    [{ key: 'a', operator: 'Exists', values: [] }, true],
    [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }, false],
  ],
};

describe('TypeScript twins of the CEL rules', () => {
  for (const name of Object.keys(CEL) as CelRuleName[]) {
    it.each(ROWS[name])(`${name}: %j → %s`, (self, expected) => {
      expect(celCheck(CEL[name])(self)).toBe(expected);
    });
  }

  it('throws for a rule without a twin', () => {
    expect(() => celCheck('self.size() > 0')).toThrow(/without a TypeScript equivalent/);
  });
});
