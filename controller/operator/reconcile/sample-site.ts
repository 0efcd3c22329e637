// A small sample Site (unit and end-to-end tests, the controller's warm-up): a layering policy, a manifest with one chart
// group of `charts/demo-config` releases, and fake:// bare-metal nodes, as inline documents.

import { createHash } from 'node:crypto';
import type { Site, SiteSpec } from '../api/types.js';

/** A locally administered MAC derived from the node name (distinct nodes, distinct MACs). */
export function macFor(node: string): string {
  const h = createHash('sha256').update(node).digest();
  return ['52', '54', ...[0, 1, 2, 3].map((i) => h[i]!.toString(16).padStart(2, '0'))].join(':');
}

export interface TestSiteOptions {
  name?: string;
  namespace?: string;
  /** Release namespace (default: the Site's namespace). */
  releaseNamespace?: string;
  /** Releases of charts/demo-config (default 1), each with `data.value`. */
  releases?: number;
  value?: string;
  /** fake:// nodes (default 1), named `<prefix>-node-<i>`. */
  nodes?: number;
  nodePrefix?: string;
  /** An image for every node (target active), e.g. `http://images.test/os.qcow2`; none: target available. */
  nodeImage?: string;
  /** Chart location: absolute, or relative to the controller's inline root (default charts/demo-config). */
  chartLocation?: string;
  spec?: Partial<SiteSpec>;
}

const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  schema: 'metadata/Document/v1',
  name,
  layeringDefinition: { abstract: false, layer: 'site' },
  storagePolicy: 'cleartext',
  ...extra,
});

export function testDocuments(o: TestSiteOptions = {}): Record<string, unknown>[] {
  const name = o.name ?? 'test';
  const ns = o.releaseNamespace ?? o.namespace ?? 'default';
  const prefix = o.nodePrefix ?? name;
  const releases = Array.from({ length: o.releases ?? 1 }, (_, i) => `cfg-${i}`);
  const docs: Record<string, unknown>[] = [
    {
      schema: 'deckhand/LayeringPolicy/v1',
      metadata: { schema: 'metadata/Control/v1', name: 'layering-policy' },
      data: { layerOrder: ['site'] },
    },
    {
      schema: 'armada/Manifest/v1',
      metadata: meta(`${name}-manifest`),
      data: { release_prefix: name, chart_groups: [`${name}-group`] },
    },
    {
      schema: 'armada/ChartGroup/v1',
      metadata: meta(`${name}-group`),
      data: { description: 'test releases', sequenced: false, chart_group: releases },
    },
    ...releases.map((r, i) => ({
      schema: 'armada/Chart/v1',
      metadata: meta(r),
      data: {
        chart_name: 'demo-config',
        release: r,
        namespace: ns,
        source: { type: 'local', location: o.chartLocation ?? 'charts/demo-config', subpath: '.' },
        wait: { timeout: 120 },
        values: { data: { index: String(i), value: o.value ?? 'one' } },
      },
    })),
  ];
  for (let i = 0; i < (o.nodes ?? 1); i++) {
    const node = `${prefix}-node-${i}`;
    docs.push(
      {
        schema: 'drydock/BaremetalNode/v1',
        metadata: meta(node),
        data: {
          host_profile: 'test',
          oob: { type: 'manual' },
          addressing: [{ network: 'oob', address: `10.0.0.${i + 1}` }],
        },
      },
      {
        schema: 'slipway/BaremetalHost/v1',
        metadata: meta(node),
        data: {
          node,
          bootMACAddress: macFor(node),
          bmc: { address: `fake://${node}`, credentials: { username: 'admin', password: 's3cret-bmc-pw' } },
          ...(o.nodeImage ? { image: { url: o.nodeImage, checksum: 'e2e0e2e0' } } : {}),
        },
      },
    );
  }
  return docs;
}

export function testSite(o: TestSiteOptions = {}): Site {
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name: o.name ?? 'test', namespace: o.namespace ?? 'default', generation: 1 },
    spec: { source: { inline: { documents: testDocuments(o) } }, ...o.spec },
  };
}
