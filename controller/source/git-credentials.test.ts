import { describe, expect, it } from 'vitest';
import { credentialFor, parseGitCredentials } from './git-credentials.js';

const FILE = `# git-credential-store format
https://alice:p%40ss@git.example.com
https://bob:b0b@git.example.com/team/charts
https://carol:c@git.example.com:8443

http://dave:d@mirror.lab/osh
`;

describe('git credentials file', () => {
  const { entries, invalid } = parseGitCredentials(FILE);

  it('parses entries, decoding percent-escapes', () => {
    expect(invalid).toEqual([]);
    expect(entries.map((e) => [e.username, e.password])).toEqual([
      ['alice', 'p@ss'],
      ['bob', 'b0b'],
      ['carol', 'c'],
      ['dave', 'd'],
    ]);
  });

  it.each([
    ['https://git.example.com/other/x.git', 'alice'],
    ['https://git.example.com/team/charts/osh.git', 'bob'],
    ['https://git.example.com/team/charts', 'bob'],
    ['https://git.example.com/team/chartsX/a.git', 'alice'],
    ['https://git.example.com:8443/x.git', 'carol'],
    ['http://mirror.lab/osh/infra.git', 'dave'],
    ['https://mirror.lab/osh/infra.git', undefined],
    ['http://mirror.lab/other.git', undefined],
    ['https://elsewhere.example.com/x.git', undefined],
    ['ssh://git@git.example.com/x.git', undefined],
    ['git@git.example.com:x.git', undefined],
  ])('%s → %s', (url, user) => {
    expect(credentialFor(url, entries)?.username).toBe(user);
  });

  it('reports bad lines by number, never their text', () => {
    const r = parseGitCredentials('https://a:b@h\nnot a url\nhttps://nopassword@h\nssh://a:b@h\n');
    expect(r.entries).toHaveLength(1);
    expect(r.invalid).toEqual([2, 3, 4]);
  });
});
