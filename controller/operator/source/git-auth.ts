// Credentials for git, from a Site's secretRef: written 0600 into a private temp folder for
// the length of one fetch, handed to git through GIT_ASKPASS (https) or GIT_SSH_COMMAND
// (ssh), and removed afterwards. The values never appear in argv, logs or messages.

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The keys of a git credentials Secret (Flux's names). */
export interface GitAuth {
  username?: string;
  password?: string;
  /** An SSH private key. */
  identity?: string;
  known_hosts?: string;
}

export interface GitAuthEnv {
  env: Record<string, string>;
  /** Strings to scrub from any message (the secret values). */
  secrets: string[];
  cleanup(): Promise<void>;
}

const NO_PROMPT = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false', SSH_ASKPASS: '/bin/false' };

export async function gitAuthEnv(auth: GitAuth | undefined, tmpRoot = tmpdir()): Promise<GitAuthEnv> {
  if (!auth || (!auth.password && !auth.identity))
    return { env: { ...NO_PROMPT }, secrets: [], cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpRoot, 'slipway-git-'));
  await chmod(dir, 0o700);
  const secret = (name: string, value: string) => writeFile(join(dir, name), value, { mode: 0o600 });
  const env: Record<string, string> = { ...NO_PROMPT };
  const secrets: string[] = [];
  try {
    if (auth.password) {
      await secret('username', auth.username ?? 'git');
      await secret('password', auth.password);
      // The script prints a file's content; it holds no secret itself.
      const askpass = join(dir, 'askpass.sh');
      await writeFile(
        askpass,
        `#!/bin/sh\ncase "$1" in\n  Username*) cat '${dir}/username' ;;\n  *) cat '${dir}/password' ;;\nesac\n`,
        { mode: 0o700 },
      );
      env.GIT_ASKPASS = askpass;
      secrets.push(auth.password);
    }
    if (auth.identity) {
      await secret('identity', auth.identity.endsWith('\n') ? auth.identity : `${auth.identity}\n`);
      const known = auth.known_hosts ? join(dir, 'known_hosts') : undefined;
      if (known) await secret('known_hosts', auth.known_hosts!);
      const hostKeys = known
        ? `-o UserKnownHostsFile='${known}' -o StrictHostKeyChecking=yes`
        : '-o StrictHostKeyChecking=accept-new';
      env.GIT_SSH_COMMAND = `ssh -i '${join(dir, 'identity')}' -o IdentitiesOnly=yes -o BatchMode=yes ${hostKeys}`;
      secrets.push(auth.identity.trim());
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { env, secrets, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A message with secret values and URL user-info replaced. */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
