import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { registerSiteController, siteController } from './site-controller.js';

const deps = {} as Parameters<typeof siteController>[0]['deps'];

describe('siteController', () => {
  it('watches the Sites of its namespace and shard, and the Secrets and ConfigMaps they reference', () => {
    const { watches } = siteController({ namespace: 'edge', labelSelector: 'sharding.slipway.dev/key=s1', deps });
    expect(watches.map((w) => w.name)).toEqual(['sites', 'secrets', 'configmaps']);
    expect(watches[0]!.source).toEqual({
      path: '/apis/slipway.dev/v1alpha1/namespaces/edge/sites',
      labelSelector: 'sharding.slipway.dev/key=s1',
    });
    expect(watches[1]!.source).toEqual({
      path: '/api/v1/namespaces/edge/secrets',
      fieldSelector: 'type!=helm.sh/release.v1',
    });
    const site = {
      metadata: { name: 'lab', namespace: 'edge' },
      spec: { source: { git: { url: 'https://x', secretRef: { name: 'git-creds' } } } },
    } as unknown as KubernetesObject;
    const ctx = { informer: () => ({ list: () => [site] }) } as never;
    const secret = { metadata: { name: 'git-creds', namespace: 'edge' } };
    expect(watches[1]!.map!(secret, ctx, 'update')).toEqual(['edge/lab']);
    expect(watches[1]!.map!({ metadata: { name: 'other', namespace: 'edge' } }, ctx, 'update')).toEqual([]);
  });

  it('registers on a manager as the "site" controller, keys logged as site, its own workers', () => {
    const specs: unknown[] = [];
    const hosted = { name: 'site' } as never;
    const manager = { addController: (spec: unknown) => (specs.push(spec), hosted) };
    expect(registerSiteController(manager, { workers: 6, deps })).toBe(hosted);
    expect(specs).toMatchObject([{ name: 'site', keyField: 'site', workers: 6 }]);
    expect((specs[0] as { watches: unknown[] }).watches).toHaveLength(3);
  });

  it('watches every namespace and every Site when given neither', () => {
    const { watches } = siteController({ deps });
    expect(watches[0]!.source).toEqual({ path: '/apis/slipway.dev/v1alpha1/sites' });
    expect(watches[2]!.source).toBe('/api/v1/configmaps');
  });
});
