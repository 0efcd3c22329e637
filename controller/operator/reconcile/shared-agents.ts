// @kubernetes/client-node 1.x builds a new https.Agent for every request (KubeConfig's
// createAgent), so every API call opens a new TLS connection with a new OpenSSL context:
// slow (a handshake per call) and, at a controller's request rate, hundreds of MiB of
// native memory. This makes KubeConfig reuse one keep-alive agent per distinct set of
// connection options, process-wide. Installed once by `slipway controller`.

import { createHash } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: { server?: string; name?: string } | null, options: Record<string, unknown>) => unknown;

let installed = false;

export function shareKubeAgents(): void {
  if (installed) return;
  installed = true;
  const proto = KubeConfig.prototype as unknown as { createAgent: CreateAgent };
  const original = proto.createAgent;
  // A private method: if an upgrade of client-node renames or removes it, stop here rather than
  // run on without sharing (shared-agents.test.ts notices the same through the public API).
  if (typeof original !== 'function')
    throw new Error('@kubernetes/client-node has no KubeConfig.prototype.createAgent: shared-agents.ts needs updating');
  const agents = new Map<string, unknown>();
  proto.createAgent = function (this: KubeConfig, cluster, options) {
    const key = agentKey(cluster, options);
    let agent = agents.get(key);
    if (!agent) {
      agent = original.call(this, cluster, { ...options, keepAlive: true });
      if (agents.size > 64) agents.clear();
      agents.set(key, agent);
    }
    return agent;
  };
}

function agentKey(cluster: { server?: string; name?: string } | null, options: Record<string, unknown>): string {
  const h = createHash('sha256').update(JSON.stringify(cluster ?? null));
  for (const k of Object.keys(options).sort()) {
    const v = options[k];
    h.update(k).update('\u0000');
    if (v === undefined) continue;
    h.update(Buffer.isBuffer(v) ? v : typeof v === 'string' ? v : JSON.stringify(v)).update('\u0000');
  }
  return h.digest('hex');
}
