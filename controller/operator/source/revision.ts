// Revision strings in Flux's formats: `main@sha1:<commit>`, `v1.2@sha1:<commit>`,
// `sha1:<commit>` (a pinned commit) and `sha256:<digest>` (inline content).

import { createHash } from 'node:crypto';

export function gitRevision(ref: string | undefined, commit: string): string {
  return ref ? `${ref}@sha1:${commit}` : `sha1:${commit}`;
}

/** The commit of a git revision, or undefined for other revisions. */
export function commitOf(revision: string | undefined): string | undefined {
  const m = revision ? /(?:^|@)sha1:([0-9a-f]{40})$/.exec(revision) : null;
  return m ? m[1] : undefined;
}

/** sha256 over (name, text) pairs, in order. */
export function contentRevision(files: readonly { path: string; text: string }[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.path).update('\u0000').update(f.text).update('\u0000');
  return `sha256:${h.digest('hex')}`;
}
