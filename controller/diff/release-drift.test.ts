// Drift of a release's objects: table rows edit a base (a Deployment as the manifest has
// it, live and as a forced apply dry run would leave it) and name the drift expected.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../documents/types.js';
import type { DriftIgnoreRule, ObservedObject } from '../drivers/types.js';
import { releaseDrift } from './release-drift.js';

const deployment = (replicas: number, image: string): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
  spec: { replicas, template: { spec: { containers: [{ name: 'web', image }] } } },
});

function base(): ObservedObject {
  const live = deployment(1, 'web:1');
  (live.metadata as JsonObject).managedFields = [];
  (live.metadata as JsonObject).resourceVersion = '12';
  live.status = { readyReplicas: 1 };
  const applied = structuredClone(live);
  (applied.metadata as JsonObject).resourceVersion = '13';
  return {
    ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'web' },
    manifest: deployment(1, 'web:1'),
    live,
    applied,
  };
}

const spec = (o: JsonObject) => o.spec as { replicas: number; template: { spec: { containers: JsonObject[] } } };

describe('releaseDrift', () => {
  const rows: Array<{ name: string; edit: (o: ObservedObject) => void; rules?: DriftIgnoreRule[]; want: unknown[] }> = [
    { name: 'live as the manifest: no drift (metadata and status of others ignored)', edit: () => {}, want: [] },
    {
      name: 'an image edited by hand: that field',
      edit: (o) => (spec(o.live!).template.spec.containers[0]!.image = 'web:hand'),
      want: [{ fields: [{ path: '/spec/template/spec/containers/0/image', live: 'web:hand', desired: 'web:1' }] }],
    },
    {
      name: 'replicas an HPA owns through the scale subresource: ignored, and left out of the repair',
      edit: (o) => {
        spec(o.live!).replicas = 3;
        (o.live!.metadata as JsonObject).managedFields = [
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            subresource: 'scale',
            fieldsV1: { 'f:spec': { 'f:replicas': {} } },
          },
        ];
      },
      want: [],
    },
    {
      name: 'replicas changed by kubectl (no subresource): drift',
      edit: (o) => {
        spec(o.live!).replicas = 3;
        (o.live!.metadata as JsonObject).managedFields = [
          { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        ];
      },
      want: [{ fields: [{ path: '/spec/replicas', live: 3, desired: 1 }] }],
    },
    {
      name: "a chart's ignore rule for Deployments",
      edit: (o) => (spec(o.live!).replicas = 5),
      rules: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
      want: [],
    },
    {
      name: 'an ignore rule for another kind does not apply',
      edit: (o) => (spec(o.live!).replicas = 5),
      rules: [{ paths: ['/spec/replicas'], target: { kind: 'StatefulSet' } }],
      want: [{ fields: [{ path: '/spec/replicas' }] }],
    },
    {
      name: "a label added by hand that the manifest does not have: no drift (not the apply's field)",
      edit: (o) => {
        ((o.live!.metadata as JsonObject).labels as JsonObject).extra = 'x';
        ((o.applied!.metadata as JsonObject).labels as JsonObject).extra = 'x';
      },
      want: [],
    },
    {
      name: 'a deleted object: missing, re-applied whole',
      edit: (o) => {
        delete o.live;
        delete o.applied;
      },
      want: [{ missing: true, fields: [], apply: deployment(1, 'web:1') }],
    },
    { name: 'an object that could not be compared is left out', edit: (o) => (o.error = 'forbidden'), want: [] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const o = base();
      row.edit(o);
      expect(releaseDrift([o], row.rules ?? [])).toMatchObject(row.want);
    });
  }

  it('an ignored field keeps its live value in the repair (Helm alone may own it)', () => {
    const o = base();
    spec(o.live!).replicas = 5;
    spec(o.live!).template.spec.containers[0]!.image = 'web:hand';
    const [d] = releaseDrift([o], [{ paths: ['/spec/replicas'] }]);
    expect(d!.fields.map((f) => f.path)).toEqual(['/spec/template/spec/containers/0/image']);
    expect(spec(d!.apply).replicas).toBe(5);
  });

  it('the repair of a drifted object leaves out the fields others own through a subresource', () => {
    const o = base();
    spec(o.live!).replicas = 3;
    spec(o.live!).template.spec.containers[0]!.image = 'web:hand';
    (o.live!.metadata as JsonObject).managedFields = [
      { manager: 'kube-controller-manager', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ];
    const [d] = releaseDrift([o], []);
    expect(d!.fields.map((f) => f.path)).toEqual(['/spec/template/spec/containers/0/image']);
    expect(spec(d!.apply).replicas).toBeUndefined();
    expect(spec(d!.apply).template.spec.containers[0]!.image).toBe('web:1');
  });
});
