import { describe, expect, it } from 'vitest';
import { createScrubber, secretValues } from './secret-scrub.js';

describe('secret values of a document set', () => {
  it('all data of encrypted documents and every value at a secret path', () => {
    const values = secretValues([
      { metadata: { storagePolicy: 'encrypted' }, data: { user: 'admin-user', pass: ['s3cr3t-1', 12345] } },
      {
        metadata: { storagePolicy: 'cleartext' },
        data: { bmc: { address: 'redfish://h/x-s3cr3t-2' }, open: 'visible' },
        secretPaths: ['.bmc.address', '.missing'],
      },
    ]);
    expect([...values].sort()).toEqual(['12345', 'admin-user', 'redfish://h/x-s3cr3t-2', 's3cr3t-1']);
  });
});

describe('the scrubber', () => {
  it('replaces every form a secret takes in output: raw, JSON-escaped, YAML single-quoted, per line', () => {
    const s = createScrubber();
    s.add(['pa"ss\nword-line2', "it's-secret"]);
    expect(s.scrub('{"p": "pa\\"ss\\nword-line2"}')).toBe('{"p": "[redacted]"}');
    expect(s.scrub('p: |-\n  pa"ss\n  word-line2\n')).toBe('p: |-\n  [redacted]\n  [redacted]\n');
    expect(s.scrub("q: 'it''s-secret'")).toBe("q: '[redacted]'");
  });
  it('the longest secret wins; short values are left alone; nothing added, nothing changed', () => {
    const s = createScrubber();
    expect(s.scrub('abcd')).toBe('abcd');
    s.add(['abcd', 'abcdefgh', 'ab']);
    expect(s.scrub('x abcdefgh y abcd z ab')).toBe('x [redacted] y [redacted] z ab');
  });
});

describe('the scrubber, against the one regular expression it stands for', () => {
  it('finds the same matches as an alternation of every form, longest first, on texts full of near misses', () => {
    // A tiny alphabet, so that forms share prefixes, overlap and nearly match everywhere.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const word = (min: number, max: number) =>
      Array.from({ length: min + rand(max - min + 1) }, () => 'abc\n'[rand(4)]).join('');
    for (let round = 0; round < 200; round++) {
      const secrets = Array.from({ length: 1 + rand(8) }, () => word(2, 9));
      const s = createScrubber();
      s.add(secrets);
      const forms = new Set<string>();
      for (const v of secrets)
        for (const f of [
          v,
          JSON.stringify(v).slice(1, -1),
          v.replace(/'/g, "''"),
          ...v.split(/\r?\n/).map((l) => l.trim()),
        ])
          if (f.length >= 4) forms.add(f);
      const reference = [...forms]
        .sort((a, b) => b.length - a.length)
        .map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|');
      const text = word(0, 60);
      expect(s.scrub(text), JSON.stringify({ secrets, text })).toBe(
        forms.size ? text.replace(new RegExp(reference, 'g'), '[redacted]') : text,
      );
    }
  });
});
