import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../documents/types.js';
import { appliesAsIs } from './applies-as-is.js';

const manifest: JsonObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', labels: { app: 'demo' }, annotations: { 'meta.helm.sh/release-name': 'r' } },
  data: { a: '1', b: '2' },
};

const helmEntry = (fieldsV1: JsonObject, more: JsonObject = {}): JsonObject => ({
  manager: 'helm',
  operation: 'Apply',
  apiVersion: 'v1',
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...more,
});

const owned: JsonObject = {
  'f:data': { 'f:a': {}, 'f:b': {} },
  'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:annotations': { 'f:meta.helm.sh/release-name': {} } },
};

function liveWith(changes: { data?: JsonObject; managedFields?: JsonObject[]; labels?: JsonObject }): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cfg',
      namespace: 'ns',
      uid: 'u1',
      resourceVersion: '7',
      labels: changes.labels ?? { app: 'demo' },
      annotations: { 'meta.helm.sh/release-name': 'r' },
      managedFields: changes.managedFields ?? [helmEntry(owned)],
    },
    data: changes.data ?? { a: '1', b: '2' },
  };
}

describe('appliesAsIs: no dry run when an apply would leave the live object as it is', () => {
  it('true when every manifest value is live and Helm owns nothing more', () => {
    expect(appliesAsIs(manifest, liveWith({}), 'helm')).toBe(true);
  });

  it('true with fields another manager added (an apply as Helm does not remove them)', () => {
    const live = liveWith({
      labels: { app: 'demo', team: 'ran' },
      managedFields: [
        helmEntry(owned),
        { manager: 'kubectl-label', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } },
      ],
    });
    expect(appliesAsIs(manifest, live, 'helm')).toBe(true);
  });

  it.each<[string, JsonObject]>([
    ['a value changed by hand', liveWith({ data: { a: 'edited', b: '2' } })],
    ['a value removed by hand', liveWith({ data: { a: '1' } })],
    [
      'a field Helm owns that the manifest no longer sets (the apply would remove it)',
      liveWith({
        data: { a: '1', b: '2', old: 'x' },
        managedFields: [helmEntry({ ...owned, 'f:data': { 'f:a': {}, 'f:b': {}, 'f:old': {} } })],
      }),
    ],
    ['no managedFields', liveWith({ managedFields: [] })],
    ['Helm wrote it by Update, not Apply', liveWith({ managedFields: [helmEntry(owned, { operation: 'Update' })] })],
    ['an entry of a subresource only', liveWith({ managedFields: [helmEntry(owned, { subresource: 'status' })] })],
    [
      'an owned list item (k: keys are not judged here)',
      liveWith({ managedFields: [helmEntry({ ...owned, 'f:spec': { 'f:ports': { 'k:{"port":80}': {} } } })] }),
    ],
  ])('false: %s', (_, live) => {
    expect(appliesAsIs(manifest, live, 'helm')).toBe(false);
  });

  it('lists are compared whole: a list item the server defaulted is not "as is"', () => {
    const { data: _data, ...withoutData } = manifest;
    const m: JsonObject = { ...withoutData, spec: { ports: [{ port: 80 }] } };
    const live = liveWith({ managedFields: [helmEntry({ 'f:spec': { 'f:ports': {} } })] });
    live.spec = { ports: [{ port: 80, protocol: 'TCP' }] };
    expect(appliesAsIs(m, live, 'helm')).toBe(false);
    live.spec = { ports: [{ port: 80 }] };
    expect(appliesAsIs(m, live, 'helm')).toBe(true);
  });

  it('a value of another type is not equal (a number the manifest sets as a string)', () => {
    expect(appliesAsIs({ ...manifest, data: { a: 1 as never, b: '2' } }, liveWith({}), 'helm')).toBe(false);
  });
});
