// Smoke test of the Kubernetes half of the e2e infrastructure: a real API server with
// kwok nodes, and the pinned helm installing the demo chart the example sites use.

import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { type KubeEnv, repoRoot, requireKube } from '../support/env.js';

// Looked up in each test, not in a hook: when the infra is down every test fails with
// the "run `npm run infra:up`" message instead of being reported as skipped.
let cachedKube: KubeEnv | undefined;
const kube = (): KubeEnv => (cachedKube ??= requireKube());

async function kubectlJson<T>(...args: string[]): Promise<T> {
  const { stdout } = await execa(kube().kubectl, ['--kubeconfig', kube().kubeconfig, ...args, '-o', 'json'], {
    env: kube().vars,
    extendEnv: false,
  });
  return JSON.parse(stdout) as T;
}

async function helm(...args: string[]) {
  return execa(kube().helm, ['--kubeconfig', kube().kubeconfig, ...args], {
    env: kube().vars,
    extendEnv: false,
    all: true,
  });
}

interface NodeList {
  items: {
    metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
}

interface PodList {
  items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }[];
}

describe('kube smoke', () => {
  it('has two Ready kwok nodes', async () => {
    const nodes = await kubectlJson<NodeList>('get', 'nodes', '-l', 'type=kwok');
    if (kube().cluster === 'kind') return; // kind nodes are real; nothing kwok-specific to check
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(ready.map((n) => n.metadata.name).sort()).toEqual(['kwok-node-0', 'kwok-node-1']);
    for (const n of ready) expect(n.metadata.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
  });

  it('helm install of charts/demo-app with --wait reaches Ready on the kwok nodes', async () => {
    const ns = `smoke-${Date.now().toString(36)}`;
    const release = 'demo';
    const chart = path.join(repoRoot, 'charts', 'demo-app');
    try {
      const install = await helm(
        'install',
        release,
        chart,
        '--namespace',
        ns,
        '--create-namespace',
        '--set',
        'replicaCount=2',
        '--set',
        'message=hello from the smoke test',
        '--wait',
        '--timeout',
        '180s',
      );
      expect(install.exitCode).toBe(0);

      const deploy = await kubectlJson<{ status: { readyReplicas?: number; replicas?: number } }>(
        '-n',
        ns,
        'get',
        'deployment',
        `${release}-demo-app`,
      );
      expect(deploy.status.readyReplicas).toBe(2);

      const cm = await kubectlJson<{ data: Record<string, string> }>(
        '-n',
        ns,
        'get',
        'configmap',
        `${release}-demo-app`,
      );
      expect(cm.data.message).toBe('hello from the smoke test');

      const pods = await kubectlJson<PodList>('-n', ns, 'get', 'pods', '-l', `app.kubernetes.io/instance=${release}`);
      expect(pods.items).toHaveLength(2);
      for (const pod of pods.items) {
        expect(pod.status.phase).toBe('Running');
        if (kube().cluster === 'local') expect(pod.spec.nodeName).toMatch(/^kwok-node-\d+$/);
      }

      const status = await helm('status', release, '--namespace', ns, '-o', 'json');
      expect((JSON.parse(status.stdout) as { info: { status: string } }).info.status).toBe('deployed');
    } finally {
      await helm('uninstall', release, '--namespace', ns, '--wait', '--timeout', '120s').catch(() => undefined);
      await execa(kube().kubectl, ['--kubeconfig', kube().kubeconfig, 'delete', 'namespace', ns, '--wait=false'], {
        env: kube().vars,
        extendEnv: false,
        reject: false,
      });
    }
    const after = await helm('list', '--namespace', ns, '-q');
    expect(after.stdout.trim()).toBe('');
  });

  it('a chart that fails on purpose (demo-fail) makes helm exit non-zero with its message', async () => {
    const result = await helm(
      'install',
      'fail',
      path.join(repoRoot, 'charts', 'demo-fail'),
      '--namespace',
      'default',
      '--set',
      'fail=true',
    ).catch((e: { exitCode: number; all?: string }) => e);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('failing on purpose');
  });
});
