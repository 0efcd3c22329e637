import { describe, expect, it } from 'vitest';
import { classifyGitFailure } from './git-errors.js';

// Rows are what git 2.39 / OpenSSH 9.2 print (LC_ALL=C), as seen against real servers in e2e/git-auth.test.ts.
const ROWS: Array<[string, string, string | undefined]> = [
  [
    "fatal: Authentication failed for 'https://h/x.git/'",
    'GitAuthFailed',
    "fatal: Authentication failed for 'https://h/x.git/'",
  ],
  [
    "fatal: could not read Username for 'https://h': terminal prompts disabled",
    'GitAuthFailed',
    "fatal: could not read Username for 'https://h': terminal prompts disabled",
  ],
  [
    'git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.',
    'GitAuthFailed',
    'git@h: Permission denied (publickey).',
  ],
  [
    'No ED25519 host key is known for [h]:22 and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.',
    'GitHostKeyUnknown',
    'No ED25519 host key is known for [h]:22 and you have requested strict checking.',
  ],
  [
    '@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@\nOffending ED25519 key in /k:1\nHost key for [h]:22 has changed and you have requested strict checking.\nHost key verification failed.',
    'GitHostKeyMismatch',
    'Host key for [h]:22 has changed and you have requested strict checking.',
  ],
  [
    "fatal: unable to access 'https://h/x.git/': server certificate verification failed. CAfile: certs/ca.crt CRLfile: none",
    'GitTLSUntrusted',
    "fatal: unable to access 'https://h/x.git/': server certificate verification failed.",
  ],
  [
    "fatal: unable to access 'https://h/x/': SSL certificate problem: self-signed certificate",
    'GitTLSUntrusted',
    "fatal: unable to access 'https://h/x/': SSL certificate problem: self-signed certificate",
  ],
  [
    "fatal: unable to access 'https://h/x/': Failed to connect to h port 1 after 0 ms: Couldn't connect to server",
    'GitFailed',
    undefined,
  ],
  ["fatal: repository 'https://h/x/' not found", 'GitFailed', undefined],
];

describe('classifyGitFailure', () => {
  it.each(ROWS)('%s → %s', (stderr, code, line) => {
    const f = classifyGitFailure(stderr);
    expect(f.code).toBe(code);
    expect(f.line).toBe(line);
    expect(Boolean(f.reason)).toBe(code !== 'GitFailed');
  });
});
