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
  it('a short form that starts inside a long one, overlapping the short form right after it', () => {
    const s = createScrubber();
    s.add(['abcdefghijkl', 'klmn', 'mnop']);
    expect(s.scrub('abcdefghijklmnop!')).toBe('[redacted][redacted]!');
  });

  it('finds the same matches as an alternation of every form, longest first, on texts full of near misses', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n); // the high bits: the low ones of this generator repeat every few calls
    };
    // A tiny alphabet, so that forms share prefixes, overlap and nearly match everywhere; in
    // half the rounds a larger one, so that the filters of four-character windows filter.
    let alphabet = 'abc\n';
    const word = (min: number, max: number) =>
      Array.from({ length: min + rand(max - min + 1) }, () => alphabet[rand(alphabet.length)]).join('');
    for (let round = 0; round < 600; round++) {
      // Short forms (under 12 characters) and long ones (found at one position in nine);
      // in a third of the rounds more short forms than one alternation holds.
      const many = round % 3 === 0;
      alphabet = round % 2 ? 'abc\n' : 'abcdefghijklmnopqrstuvwxyz0123456789+/=\n';
      const secrets = many
        ? Array.from({ length: 100 + rand(100) }, () => (rand(8) ? word(4, 11) : word(12, 30)))
        : Array.from({ length: 1 + rand(8) }, () => (rand(2) ? word(2, 11) : word(12, 30)));
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
      // Whole secrets, pieces of them (near misses) and noise, run together.
      const piece = () => {
        const v = secrets[rand(secrets.length)]!;
        const from = rand(3) ? 0 : rand(v.length);
        return [word(0, 6), v, v.slice(from, from + rand(v.length + 1))][rand(3)];
      };
      const text = Array.from({ length: rand(30) }, piece).join('');
      expect(s.scrub(text), JSON.stringify({ secrets, text })).toBe(
        forms.size ? text.replace(new RegExp(reference, 'g'), '[redacted]') : text,
      );
    }
  });
});
