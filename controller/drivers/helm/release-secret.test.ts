// Helm's release Secrets as the API returns them: data.release is base64 (API) of
// base64 (Helm) of gzip'd JSON. The payloads here are built the way Helm builds them.
import { gzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ObservedRelease } from '../types.js';
import { decodeReleasePayload, latestReleases, type RevisionRecord, revisionFromSecret } from './release-secret.js';

function helmPayload(release: object, gzip = true): string {
  const json = Buffer.from(JSON.stringify(release));
  const helmText = (gzip ? gzipSync(json, { level: 9 }) : json).toString('base64');
  return Buffer.from(helmText).toString('base64');
}

function secret(labels: Record<string, string>, namespace = 'ingress', release?: object): V1Secret {
  return {
    metadata: { name: `sh.helm.release.v1.${labels.name}.v${labels.version}`, namespace, labels },
    type: 'helm.sh/release.v1',
    ...(release ? { data: { release: helmPayload(release) } } : {}),
  };
}

const stored = {
  name: 'lab-ingress',
  namespace: 'ingress',
  version: 2,
  config: { replicas: 2, nested: { password: 's3cr3t' } },
  info: { status: 'deployed', description: 'Upgrade complete', last_deployed: '2026-11-22T01:00:00Z' },
  manifest: '---\n# Source: x\n',
};

describe('decodeReleasePayload', () => {
  it('decodes base64(base64(gzip(JSON))) and returns the user-supplied values as config', () => {
    expect(decodeReleasePayload(helmPayload(stored))).toEqual(stored);
  });
  it('accepts an uncompressed payload (releases stored before Helm compressed them)', () => {
    expect(decodeReleasePayload(helmPayload(stored, false)).config).toEqual(stored.config);
  });
  it('throws on a payload that is not a release', () => {
    expect(() => decodeReleasePayload(Buffer.from(Buffer.from('[1,2]').toString('base64')).toString('base64'))).toThrow(
      /not a JSON object/,
    );
  });
});

describe('revisionFromSecret', () => {
  const labels = {
    name: 'lab-ingress',
    owner: 'helm',
    status: 'deployed',
    version: '2',
    modifiedAt: '1763773200',
    'slipway.dev/digest': 'abc123',
  };
  it('reads name, revision, status, digest and the modified time from labels alone', () => {
    expect(revisionFromSecret(secret(labels))).toEqual({
      name: 'lab-ingress',
      namespace: 'ingress',
      revision: 2,
      status: 'deployed',
      digest: 'abc123',
      updatedAt: '2025-11-22T01:00:00.000Z',
    });
  });
  const rows: Array<{
    name: string;
    edit: (l: Record<string, string>) => void;
    want: Partial<RevisionRecord> | undefined;
    absent?: keyof RevisionRecord;
  }> = [
    {
      name: 'the server-side label: installed by Slipway with server-side apply',
      edit: (l) => {
        l['slipway.dev/server-side'] = 'true';
      },
      want: { serverSide: true },
    },
    {
      name: 'createdAt when never updated',
      edit: (l) => {
        delete l.modifiedAt;
        l.createdAt = '1763773260';
      },
      want: { updatedAt: '2025-11-22T01:01:00.000Z' },
    },
    {
      name: 'no digest label: installed without Slipway',
      edit: (l) => delete l['slipway.dev/digest'],
      want: { name: 'lab-ingress' },
      absent: 'digest',
    },
    { name: 'unknown status', edit: (l) => (l.status = 'exploded'), want: { status: 'unknown' } },
    { name: 'pending-upgrade', edit: (l) => (l.status = 'pending-upgrade'), want: { status: 'pending-upgrade' } },
    { name: 'not owned by helm', edit: (l) => (l.owner = 'someone'), want: undefined },
    { name: 'no version', edit: (l) => delete l.version, want: undefined },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const l = { ...labels };
      row.edit(l);
      const got = revisionFromSecret(secret(l));
      if (row.want === undefined) expect(got).toBeUndefined();
      else expect(got).toMatchObject(row.want);
      if (row.absent) expect(got).not.toHaveProperty(row.absent);
    });
  }
});

describe('latestReleases', () => {
  const rev = (
    revision: number,
    status: RevisionRecord['status'],
    extra: Partial<RevisionRecord> = {},
  ): RevisionRecord => ({
    name: 'app',
    namespace: 'ns',
    revision,
    status,
    ...extra,
  });
  const rows: Array<{ name: string; records: RevisionRecord[]; want: ObservedRelease[] }> = [
    {
      name: 'deployed latest: its own revision is the last deployed',
      records: [rev(1, 'superseded'), rev(2, 'deployed', { digest: 'd2', updatedAt: 't2' })],
      want: [
        {
          name: 'app',
          namespace: 'ns',
          revision: 2,
          status: 'deployed',
          digest: 'd2',
          updatedAt: 't2',
          lastDeployedRevision: 2,
        },
      ],
    },
    {
      name: 'failed upgrade: the previous deployed revision',
      records: [rev(3, 'failed', { digest: 'd3' }), rev(1, 'superseded'), rev(2, 'deployed', { digest: 'd2' })],
      want: [{ name: 'app', namespace: 'ns', revision: 3, status: 'failed', digest: 'd3', lastDeployedRevision: 2 }],
    },
    {
      name: 'failed install: no deployed revision',
      records: [rev(1, 'failed')],
      want: [{ name: 'app', namespace: 'ns', revision: 1, status: 'failed' }],
    },
    {
      name: 'pending-upgrade over superseded history',
      records: [rev(1, 'superseded'), rev(2, 'superseded'), rev(3, 'pending-upgrade')],
      want: [{ name: 'app', namespace: 'ns', revision: 3, status: 'pending-upgrade', lastDeployedRevision: 2 }],
    },
    {
      name: 'same name in two namespaces are two releases, sorted',
      records: [rev(1, 'deployed', { namespace: 'b' }), rev(4, 'deployed', { namespace: 'a' })],
      want: [
        { name: 'app', namespace: 'a', revision: 4, status: 'deployed', lastDeployedRevision: 4 },
        { name: 'app', namespace: 'b', revision: 1, status: 'deployed', lastDeployedRevision: 1 },
      ],
    },
  ];
  for (const row of rows) it(row.name, () => expect(latestReleases(row.records)).toEqual(row.want));
});
