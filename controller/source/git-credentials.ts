// https credentials for git chart sources, from a file in git-credential-store's format
// (`--git-credentials FILE` / SLIPWAY_GIT_CREDENTIALS): one `https://USER:PASSWORD@HOST[:PORT][/PATH]`
// per line, user and password percent-encoded; `#` starts a comment. A location gets the
// entry of its scheme, host and port whose path is the longest prefix of the location's
// path, so one server's password is never sent to another. Pure: text in, credentials out.

export interface GitCredential {
  username: string;
  password: string;
}

interface Entry extends GitCredential {
  origin: string;
  path: string;
}

/** The entries of a credentials file; lines that are not such URLs are reported by number (never their text). */
export function parseGitCredentials(text: string): { entries: Entry[]; invalid: number[] } {
  const entries: Entry[] = [];
  const invalid: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      invalid.push(i + 1);
      return;
    }
    if (!/^https?:$/.test(url.protocol) || !url.password) {
      invalid.push(i + 1);
      return;
    }
    entries.push({
      origin: url.origin,
      path: url.pathname.replace(/\/+$/, ''),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
  });
  return { entries, invalid };
}

/** The credentials for a location, or undefined (not http(s), or no entry for its server). */
export function credentialFor(location: string, entries: readonly Entry[]): GitCredential | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(url.protocol)) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  let best: Entry | undefined;
  for (const e of entries) {
    if (e.origin !== url.origin) continue;
    if (e.path && path !== e.path && !path.startsWith(`${e.path}/`)) continue;
    if (!best || e.path.length > best.path.length) best = e;
  }
  return best ? { username: best.username, password: best.password } : undefined;
}
