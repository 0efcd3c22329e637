// Armada's wait semantics: which resources are waited on, and when each one is ready.
import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { WaitSpec } from '../types.js';
import {
  deploymentReadiness,
  excludeReason,
  isMinReady,
  parseMinReady,
  podReadiness,
  statefulSetReadiness,
} from './readiness.js';
import { resolveWaits, timeoutMessage } from './wait.js';

describe('resolveWaits', () => {
  const base = (): WaitSpec => ({ enabled: true, timeoutSeconds: 300, labels: { release_group: 'lab-ingress' } });
  it('labels only: jobs if any, then pods (Armada v1 default)', () => {
    expect(resolveWaits(base())).toEqual({
      waits: [
        { type: 'job', labels: { release_group: 'lab-ingress' }, minReady: { percent: 100 }, required: false },
        { type: 'pod', labels: { release_group: 'lab-ingress' }, minReady: { percent: 100 }, required: true },
      ],
    });
  });
  it('resources: labels merged into each, min_ready parsed, each required', () => {
    const w = base();
    w.resources = [
      { type: 'Deployment', labels: { component: 'api' }, minReady: '80%' },
      { type: 'statefulset', minReady: 1 },
    ];
    expect(resolveWaits(w)).toEqual({
      waits: [
        {
          type: 'deployment',
          labels: { release_group: 'lab-ingress', component: 'api' },
          minReady: { percent: 80 },
          required: true,
        },
        { type: 'statefulset', labels: { release_group: 'lab-ingress' }, minReady: { count: 1 }, required: true },
      ],
    });
  });
  it('rejects an unknown type and a bad min_ready', () => {
    expect(resolveWaits({ ...base(), resources: [{ type: 'cronjob' }] })).toMatchObject({
      error: expect.stringContaining('invalid `type`'),
    });
    expect(resolveWaits({ ...base(), resources: [{ type: 'deployment', minReady: 'most' }] })).toMatchObject({
      error: expect.stringContaining('min_ready'),
    });
  });
});

describe('min_ready', () => {
  it('counts and percentages (rounded up, as Armada)', () => {
    expect(parseMinReady(undefined)).toEqual({ percent: 100 });
    expect(parseMinReady(2)).toEqual({ count: 2 });
    expect(parseMinReady('3')).toEqual({ count: 3 });
    expect(parseMinReady(-1)).toBeUndefined();
    expect(isMinReady(2, 3, { percent: 80 })).toBe(false); // ceil(2.4) = 3
    expect(isMinReady(3, 3, { percent: 80 })).toBe(true);
    expect(isMinReady(1, 3, { count: 1 })).toBe(true);
  });
});

describe('readiness', () => {
  const deployment = (edit: (d: V1Deployment) => void = () => {}): V1Deployment => {
    const d: V1Deployment = {
      metadata: { name: 'api', generation: 2 },
      spec: { replicas: 3, selector: {}, template: {} },
      status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
    };
    edit(d);
    return d;
  };
  const rows: Array<{ name: string; d: V1Deployment; min?: number | string; ready: boolean; reason?: string }> = [
    { name: 'rolled out', d: deployment(), ready: true },
    {
      name: 'generation not observed',
      d: deployment((d) => (d.status!.observedGeneration = 1)),
      ready: false,
      reason: 'spec update not yet observed',
    },
    {
      name: 'still updating',
      d: deployment((d) => (d.status!.updatedReplicas = 1)),
      ready: false,
      reason: '1 of 3 new replicas updated',
    },
    {
      name: 'old replicas left',
      d: deployment((d) => (d.status!.replicas = 4)),
      ready: false,
      reason: '1 old replicas pending termination',
    },
    { name: '2 of 3 available, default 100%', d: deployment((d) => (d.status!.availableReplicas = 2)), ready: false },
    {
      name: '2 of 3 available, min_ready 50%',
      d: deployment((d) => (d.status!.availableReplicas = 2)),
      min: '50%',
      ready: true,
    },
    {
      name: 'progress deadline exceeded',
      d: deployment(
        (d) => (d.status!.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]),
      ),
      ready: false,
      reason: 'exceeded its progress deadline',
    },
  ];
  for (const row of rows) {
    it(`deployment: ${row.name}`, () => {
      const got = deploymentReadiness(row.d, parseMinReady(row.min)!);
      expect(got.ready).toBe(row.ready);
      if (row.reason) expect(got.reason).toBe(row.reason);
    });
  }

  it('pods: Running+Ready or Succeeded', () => {
    expect(podReadiness({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }).ready).toBe(
      true,
    );
    expect(podReadiness({ status: { phase: 'Succeeded' } }).ready).toBe(true);
    expect(podReadiness({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } }).ready).toBe(
      false,
    );
    expect(podReadiness({ status: { phase: 'Pending' } })).toEqual({
      ready: false,
      reason: 'phase Pending, not Ready',
    });
  });

  it('statefulset: ready replicas and rolling update progress', () => {
    const ss: V1StatefulSet = {
      metadata: { generation: 1 },
      spec: { replicas: 2, selector: {}, serviceName: 's', template: {} },
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        currentRevision: 'a',
        updateRevision: 'b',
        updatedReplicas: 1,
      },
    };
    expect(statefulSetReadiness(ss, { percent: 100 })).toEqual({ ready: false, reason: '1 of 2 replicas updated' });
    expect(statefulSetReadiness(ss, { count: 1 }).ready).toBe(true);
  });

  it('excluded from waits: helm test pods, evicted and terminating pods, pods of jobs', () => {
    const pod = (edit: (p: V1Pod) => void): V1Pod => {
      const p: V1Pod = { metadata: { name: 'p' }, status: {} };
      edit(p);
      return p;
    };
    expect(
      excludeReason(
        'pod',
        pod((p) => (p.metadata!.annotations = { 'helm.sh/hook': 'test' })),
      ),
    ).toBe('helm test pod');
    expect(
      excludeReason(
        'pod',
        pod((p) => (p.status!.reason = 'Evicted')),
      ),
    ).toBe('evicted');
    expect(
      excludeReason(
        'pod',
        pod((p) => (p.metadata!.deletionTimestamp = new Date())),
      ),
    ).toBe('terminating');
    expect(
      excludeReason(
        'pod',
        pod((p) => (p.metadata!.ownerReferences = [{ kind: 'Job', name: 'j', apiVersion: 'batch/v1', uid: 'u' }])),
      ),
    ).toBe('owned by a job');
    expect(
      excludeReason(
        'pod',
        pod(() => {}),
      ),
    ).toBeUndefined();
  });
});

describe('timeoutMessage', () => {
  const w = { type: 'pod' as const, labels: { app: 'x' }, minReady: { percent: 100 }, required: true };
  it('none found', () => {
    expect(timeoutMessage('ns', w, [])).toBe(
      'Timed out waiting for pods (namespace=ns, labels=(app=x)). None found! Are `wait.labels` correct? Does `wait.resources` need to exclude `type: pod`?',
    );
  });
  it('names the ones not ready', () => {
    expect(
      timeoutMessage('ns', w, [
        { name: 'a', readiness: { ready: true } },
        { name: 'b', readiness: { ready: false, reason: 'phase Pending, not Ready' } },
      ]),
    ).toBe(
      'Timed out waiting for pods (namespace=ns, labels=(app=x)). These pods were not ready: b: phase Pending, not Ready',
    );
  });
});
