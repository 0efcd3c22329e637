// shareKubeAgents patches a private method of @kubernetes/client-node. These tests go through
// the public API only, so an upgrade that changes either side shows here: the client starting
// to share agents itself (the patch is then dead weight), or the patch no longer taking effect.

import type { Agent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { shareKubeAgents } from './shared-agents.js';

function config(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'not-a-secret' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function agentOf(kc: KubeConfig): Promise<Agent> {
  const opts: { agent?: Agent } = {};
  await kc.applyToHTTPSOptions(opts);
  return opts.agent!;
}

describe('shareKubeAgents', () => {
  it('turns a new agent per request into one keep-alive agent per cluster', async () => {
    const a = config('https://127.0.0.1:16443');
    // The client's own behaviour (the reason for the patch): a new agent every time.
    expect(await agentOf(a)).not.toBe(await agentOf(a));

    shareKubeAgents();
    const first = await agentOf(a);
    expect(await agentOf(a)).toBe(first);
    expect(await agentOf(config('https://127.0.0.1:16443'))).toBe(first);
    expect(first.keepAlive).toBe(true);
    // Another server, another agent.
    expect(await agentOf(config('https://127.0.0.2:16443'))).not.toBe(first);
  });
});
