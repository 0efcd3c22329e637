// upgrade.pre.delete against stand-in API clients: selectors, refusal of an empty one,
// waiting until the resources are gone, and an API failure as a result (not a throw).
import { describe, expect, it } from 'vitest';
import type { HelmActionContext } from './context.js';
import { deleteResources, deleteSteps } from './delete-resources.js';
import type { KubeClients } from './kube.js';
import { baseSpec } from './test-helpers.js';

function fakeKube(left: { job: number[]; pod: number[] }, fail = false) {
  const calls: string[] = [];
  const next = (kind: 'job' | 'pod') => ({ items: Array.from({ length: left[kind].shift() ?? 0 }, () => ({})) });
  const kube = {
    batch: {
      async deleteCollectionNamespacedJob(p: { namespace: string; labelSelector: string; propagationPolicy: string }) {
        calls.push(`delete jobs ${p.namespace} ${p.labelSelector} ${p.propagationPolicy}`);
        if (fail) throw Object.assign(new Error('x'), { code: 403, body: { message: 'jobs.batch is forbidden' } });
      },
      async listNamespacedJob(p: { labelSelector: string }) {
        calls.push(`list jobs ${p.labelSelector}`);
        return next('job');
      },
    },
    core: {
      async deleteCollectionNamespacedPod(p: { namespace: string; labelSelector: string }) {
        calls.push(`delete pods ${p.namespace} ${p.labelSelector}`);
      },
      async listNamespacedPod(p: { labelSelector: string }) {
        calls.push(`list pods ${p.labelSelector}`);
        return next('pod');
      },
    },
  };
  const ctx: HelmActionContext = {
    run: async () => {
      throw new Error('no helm here');
    },
    kube: () => kube as unknown as KubeClients,
    pollIntervalMs: 1,
  };
  return { ctx, calls };
}

const spec = baseSpec((s) => {
  s.preUpgradeDelete = [
    { type: 'job', labels: { job: 'migrate', app: 'x' } },
    { type: 'pod', labels: { test: 'yes' } },
  ];
});

describe('upgrade.pre.delete', () => {
  it('plans one deletion per item, selector keys sorted; refuses an item without labels', () => {
    expect(deleteSteps(spec)).toEqual({
      steps: [
        { type: 'job', labelSelector: 'app=x,job=migrate' },
        { type: 'pod', labelSelector: 'test=yes' },
      ],
    });
    expect(deleteSteps(baseSpec((s) => (s.preUpgradeDelete = [{ type: 'pod', labels: {} }])))).toEqual({
      error: 'upgrade.pre.delete of type pod has no labels: refusing to delete every pod in ingress',
    });
  });

  it('deletes, then waits until nothing with the labels is left', async () => {
    const { ctx, calls } = fakeKube({ job: [1, 0], pod: [0] });
    expect(await deleteResources(ctx, spec)).toMatchObject({
      ok: true,
      action: 'delete-resources',
      exitCode: 0,
      message: '',
    });
    expect(calls).toEqual([
      'delete jobs ingress app=x,job=migrate Background',
      'list jobs app=x,job=migrate',
      'list jobs app=x,job=migrate',
      'delete pods ingress test=yes',
      'list pods test=yes',
    ]);
  });

  it('an API failure is a failed result with the Status message', async () => {
    const { ctx } = fakeKube({ job: [], pod: [] }, true);
    expect(await deleteResources(ctx, spec)).toMatchObject({
      ok: false,
      exitCode: 1,
      message: 'upgrade.pre.delete failed: jobs.batch is forbidden (HTTP 403)',
    });
  });

  it('an empty selector is refused before any API call', async () => {
    const { ctx, calls } = fakeKube({ job: [], pod: [] });
    const r = await deleteResources(
      ctx,
      baseSpec((s) => (s.preUpgradeDelete = [{ type: 'job', labels: {} }])),
    );
    expect(r).toMatchObject({ ok: false, exitCode: 1 });
    expect(calls).toEqual([]);
  });
});
