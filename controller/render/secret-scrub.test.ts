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
