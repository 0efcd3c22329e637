// The observer against a stand-in CoreV1Api: one list call per namespace (or one
// cluster-wide), label selector owner=helm, pages followed, values decoded from the
// latest revision's payload. No helm process.
import { gzipSync } from 'node:zlib';
import type { CoreV1Api, V1Secret, V1SecretList } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createReleaseObserver } from './observer.js';

const payload = (config: object) =>
  Buffer.from(gzipSync(Buffer.from(JSON.stringify({ name: 'app', version: 1, config }))).toString('base64')).toString(
    'base64',
  );

function secret(namespace: string, name: string, version: number, status: string, config?: object): V1Secret {
  return {
    metadata: {
      name: `sh.helm.release.v1.${name}.v${version}`,
      namespace,
      labels: {
        owner: 'helm',
        name,
        version: String(version),
        status,
        'slipway.dev/digest': `d${version}`,
        modifiedAt: '1763773200',
      },
    },
    ...(config ? { data: { release: payload(config) } } : {}),
  };
}

function fakeCore(secrets: V1Secret[], pageSize = 2) {
  const calls: Array<{ fn: string; namespace?: string; labelSelector?: string; cont?: string }> = [];
  const page = (items: V1Secret[], cont: string | undefined): V1SecretList => {
    const start = cont ? Number(cont) : 0;
    const next = start + pageSize < items.length ? String(start + pageSize) : undefined;
    return { items: items.slice(start, start + pageSize), metadata: next ? { _continue: next } : {} };
  };
  const select = (items: V1Secret[], selector = '') => {
    const want = Object.fromEntries(
      selector
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=') as [string, string]),
    );
    return items.filter((s) => Object.entries(want).every(([k, v]) => s.metadata?.labels?.[k] === v));
  };
  const core = {
    async listNamespacedSecret(p: { namespace: string; labelSelector?: string; _continue?: string }) {
      calls.push({
        fn: 'namespaced',
        namespace: p.namespace,
        ...(p.labelSelector ? { labelSelector: p.labelSelector } : {}),
        ...(p._continue ? { cont: p._continue } : {}),
      });
      return page(
        select(
          secrets.filter((s) => s.metadata?.namespace === p.namespace),
          p.labelSelector,
        ),
        p._continue,
      );
    },
    async listSecretForAllNamespaces(p: { labelSelector?: string; _continue?: string }) {
      calls.push({
        fn: 'all',
        ...(p.labelSelector ? { labelSelector: p.labelSelector } : {}),
        ...(p._continue ? { cont: p._continue } : {}),
      });
      return page(select(secrets, p.labelSelector), p._continue);
    },
  };
  return { core: core as unknown as CoreV1Api, calls };
}

const SECRETS = [
  secret('a', 'app', 1, 'superseded', { message: 'one' }),
  secret('a', 'app', 2, 'deployed', { message: 'two', password: 's3cr3t' }),
  secret('a', 'app', 3, 'failed', { message: 'three' }),
  secret('b', 'db', 1, 'deployed', { size: 1 }),
  { metadata: { name: 'not-helm', namespace: 'a', labels: { owner: 'someone' } } },
];

describe('release observer', () => {
  it('all namespaces: one cluster-wide list (pages followed), latest revision per release', async () => {
    const { core, calls } = fakeCore(SECRETS);
    const list = await createReleaseObserver(() => core).list();
    expect(list).toEqual([
      {
        name: 'app',
        namespace: 'a',
        revision: 3,
        status: 'failed',
        digest: 'd3',
        updatedAt: '2025-11-22T01:00:00.000Z',
        lastDeployedRevision: 2,
      },
      {
        name: 'db',
        namespace: 'b',
        revision: 1,
        status: 'deployed',
        digest: 'd1',
        updatedAt: '2025-11-22T01:00:00.000Z',
        lastDeployedRevision: 1,
      },
    ]);
    expect(calls).toEqual([
      { fn: 'all', labelSelector: 'owner=helm' },
      { fn: 'all', labelSelector: 'owner=helm', cont: '2' },
    ]);
  });

  it('given namespaces: one list per namespace', async () => {
    const { core, calls } = fakeCore(SECRETS, 100);
    const list = await createReleaseObserver(() => core).list(['b', 'b', 'c']);
    expect(list.map((r) => `${r.namespace}/${r.name}`)).toEqual(['b/db']);
    expect(calls).toEqual([
      { fn: 'namespaced', namespace: 'b', labelSelector: 'owner=helm' },
      { fn: 'namespaced', namespace: 'c', labelSelector: 'owner=helm' },
    ]);
  });

  it("values: the latest revision's user-supplied values, decoded; undefined for no release", async () => {
    const { core, calls } = fakeCore(SECRETS, 100);
    const observer = createReleaseObserver(() => core);
    expect(await observer.values('app', 'a')).toEqual({ message: 'three' });
    expect(calls).toEqual([{ fn: 'namespaced', namespace: 'a', labelSelector: 'name=app,owner=helm' }]);
    expect(await observer.values('nope', 'a')).toBeUndefined();
  });
});

describe('release observer errors', () => {
  it('an API failure is one short line: the Status message, no body or headers', async () => {
    const core = {
      async listNamespacedSecret() {
        throw Object.assign(
          new Error('HTTP-Code: 403\nMessage: Unknown API Status Code!\nBody: {...}\nHeaders: {"audit-id":"x"}'),
          {
            code: 403,
            body: JSON.stringify({
              kind: 'Status',
              message: 'secrets is forbidden: User "u" cannot list resource "secrets" in the namespace "a"',
            }),
          },
        );
      },
    } as unknown as CoreV1Api;
    await expect(createReleaseObserver(() => core).list(['a'])).rejects.toThrow(
      'listing Helm release Secrets in namespace a failed: secrets is forbidden: User "u" cannot list resource "secrets" in the namespace "a" (HTTP 403)',
    );
  });
});

describe('latestListed: the revision a recent list saw, without another call', () => {
  const withUid = SECRETS.map((s, i) => ({ ...s, metadata: { ...s.metadata, uid: `u${i}`, resourceVersion: '1' } }));

  it('answers from the list, and reads again once the list is old or the release was forgotten', async () => {
    const { core, calls } = fakeCore(withUid, 10);
    let clock = 0;
    const observer = createReleaseObserver(
      () => core,
      () => clock,
    );
    await observer.list(['a', 'b']);
    const listCalls = calls.length;
    expect(await observer.latestListed('app', 'a')).toMatchObject({ revision: 3, uid: 'u2' });
    expect(calls.length).toBe(listCalls);
    observer.forget('app', 'a');
    expect(await observer.latestListed('app', 'a')).toMatchObject({ revision: 3 });
    expect(calls.length).toBe(listCalls + 1);
    expect(await observer.latestListed('db', 'b')).toMatchObject({ revision: 1, uid: 'u3' });
    expect(calls.length).toBe(listCalls + 1);
    clock = 31_000;
    await observer.latestListed('db', 'b');
    expect(calls.length).toBe(listCalls + 2);
  });

  it('a release gone from a later list of its namespace is read, not answered from the old list', async () => {
    const secrets = [...withUid];
    const { core, calls } = fakeCore(secrets, 10);
    const observer = createReleaseObserver(
      () => core,
      () => 0,
    );
    await observer.list(['b']);
    secrets.splice(3, 1); // db uninstalled
    await observer.list(['b']);
    const before = calls.length;
    expect(await observer.latestListed('db', 'b')).toBeUndefined();
    expect(calls.length).toBe(before + 1);
  });
});
