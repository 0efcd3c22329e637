// Credentials for git, from a Site's secretRef (or the command line's chart-source options):
// written 0600 into a private temp folder for the length of one fetch, handed to git through
// GIT_ASKPASS (https), GIT_SSL_CAINFO (a private CA) or GIT_SSH_COMMAND (ssh), and removed
// afterwards. The values never appear in argv, logs or messages. git never prompts
// (GIT_TERMINAL_PROMPT=0, ssh BatchMode) and ssh always checks the host key: against the
// given known_hosts only, else the user's own known_hosts files; an unknown host is refused.

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
  /** PEM of the CA that signed an https server's certificate (the Secret's `ca.crt`). */
  caCert?: string;
}

/** A Secret's data as git credentials: Flux GitRepository's keys (`username`, `password`, `identity`, `known_hosts`, `ca.crt`). */
export function gitAuthFromSecret(data: Record<string, string>): GitAuth {
  const auth: GitAuth = {};
  for (const k of ['username', 'password', 'identity', 'known_hosts'] as const)
    if (data[k] !== undefined) auth[k] = data[k];
  if (data['ca.crt'] !== undefined) auth.caCert = data['ca.crt'];
  return auth;
}

export interface GitAuthEnv {
  env: Record<string, string>;
  /** Strings to scrub from any message (the secret values). */
  secrets: string[];
  cleanup(): Promise<void>;
}

// ssh never asks (BatchMode), gives up on a silent server, and refuses a host it does not know.
const SSH = 'ssh -o BatchMode=yes -o ConnectTimeout=15 -o StrictHostKeyChecking=yes';
const NO_PROMPT = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '/bin/false',
  SSH_ASKPASS: '/bin/false',
  GIT_SSH_COMMAND: SSH,
};

export async function gitAuthEnv(auth: GitAuth | undefined, tmpRoot = tmpdir()): Promise<GitAuthEnv> {
  if (!auth || (!auth.password && !auth.identity && !auth.caCert && !auth.known_hosts))
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
    if (auth.caCert) {
      await secret('ca.crt', auth.caCert);
      env.GIT_SSL_CAINFO = join(dir, 'ca.crt');
    }
    let ssh = SSH;
    if (auth.known_hosts) {
      await secret('known_hosts', auth.known_hosts);
      ssh += ` -o UserKnownHostsFile='${join(dir, 'known_hosts')}' -o GlobalKnownHostsFile=/dev/null`;
    }
    if (auth.identity) {
      await secret('identity', auth.identity.endsWith('\n') ? auth.identity : `${auth.identity}\n`);
      ssh += ` -i '${join(dir, 'identity')}' -o IdentitiesOnly=yes`;
      secrets.push(auth.identity.trim());
    }
    env.GIT_SSH_COMMAND = ssh;
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
