// What a failed git command's stderr says, as one of a few codes a person can act on: the
// server refused the credentials (GitAuthFailed), ssh does not know the server's host key
// (GitHostKeyUnknown) or knows a different one (GitHostKeyMismatch), the server's TLS
// certificate is not signed by a trusted CA (GitTLSUntrusted); anything else is GitFailed.
// Pure: a function of the text git and ssh print (LC_ALL=C).

export type GitFailureCode =
  | 'GitAuthFailed'
  | 'GitHostKeyUnknown'
  | 'GitHostKeyMismatch'
  | 'GitTLSUntrusted'
  | 'GitFailed';

/** The codes that mean "the credentials or the server's identity are wrong": never answered from a cache. */
export const GIT_TRUST_FAILURES: ReadonlySet<string> = new Set([
  'GitAuthFailed',
  'GitHostKeyUnknown',
  'GitHostKeyMismatch',
  'GitTLSUntrusted',
]);

// Each rule's patterns are tried in order; the first line matching one is quoted.
const RULES: Array<[GitFailureCode, RegExp[], string]> = [
  [
    'GitHostKeyMismatch',
    [/Host key for \S+ has changed/, /REMOTE HOST IDENTIFICATION HAS CHANGED/, /Offending \S+ key/],
    "the server's ssh host key differs from the one in known_hosts",
  ],
  [
    'GitHostKeyUnknown',
    [/No \S+ host key is known for/, /authenticity of host .* can't be established/, /Host key verification failed/],
    "the server's ssh host key is not in known_hosts",
  ],
  [
    'GitTLSUntrusted',
    [
      /SSL certificate problem|server certificate verification failed|certificate verify failed/i,
      /self[- ]signed certificate/i,
    ],
    "the server's TLS certificate is not signed by a trusted CA (give its CA: ca.crt)",
  ],
  [
    'GitAuthFailed',
    [
      /Permission denied \(|Authentication failed for|Too many authentication failures/,
      /could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]/,
    ],
    'the server refused the credentials',
  ],
];

export interface GitFailure {
  code: GitFailureCode;
  /** A short explanation, or undefined for GitFailed. */
  reason?: string;
  /** The line of stderr that says so. */
  line?: string;
}

export function classifyGitFailure(stderr: string): GitFailure {
  const lines = stderr.split('\n').map((l) => l.trim());
  for (const [code, patterns, reason] of RULES)
    for (const pattern of patterns) {
      const line = lines.find((l) => pattern.test(l));
      // curl names the CA file it used: a temp file, gone by the time anyone reads this.
      if (line) return { code, reason, line: line.replace(/\s*CAfile: .*$/, '') };
    }
  return { code: 'GitFailed' };
}
