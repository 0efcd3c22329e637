// The fleet rollout benchmark's SiteSet: N Sites generated from one type, each with 3 releases
// of charts/demo-config and 1 fake-hardware bare-metal node (its own name and MAC), spread over
// the controller shards, rolled out in waves (canary 1, then 10 %, then the rest). Pure.

import { createHash } from 'node:crypto';
import type { ListGeneratorElement, SiteSet } from '../operator/api/siteset-types.js';
import { SHARD_LABEL } from '../operator/sharding.js';

export const RELEASES_PER_SITE = 3;

export interface FleetSiteSetOptions {
  name: string;
  namespace: string;
  sites: number;
  /** Unique per run: the start of every site and Ironic node name, so clean-up finds them. */
  prefix: string;
  shards: readonly string[];
  /** The one template value a rollout changes. */
  version: string;
}

/** A locally administered MAC from the node name: distinct nodes, distinct MACs. */
export function macFor(node: string): string {
  const h = createHash('sha256').update(node).digest();
  return ['52', '54', ...[0, 1, 2, 3].map((i) => h[i]!.toString(16).padStart(2, '0'))].join(':');
}

export function siteName(prefix: string, i: number): string {
  return `${prefix}-s${String(i + 1).padStart(5, '0')}`;
}

export const nodeName = (site: string): string => `${site}-node`;

export function fleetElements(prefix: string, n: number): ListGeneratorElement[] {
  return Array.from({ length: n }, (_, i) => {
    const site = siteName(prefix, i);
    return { siteName: site, values: { mac: macFor(nodeName(site)), vlan: String(100 + (i % 3900)) } };
  });
}

const meta = (name: string) => ({
  schema: 'metadata/Document/v1',
  name,
  layeringDefinition: { abstract: false, layer: 'site' },
  storagePolicy: 'cleartext',
});

/** One site type's documents: `{{siteName}}` and `{{values.*}}` are filled per Site by the SiteSet. */
export function typeDocuments(releaseNamespace: string, version: string): Record<string, unknown>[] {
  const releases = Array.from({ length: RELEASES_PER_SITE }, (_, i) => `cfg-${i}`);
  return [
    {
      schema: 'deckhand/LayeringPolicy/v1',
      metadata: { schema: 'metadata/Control/v1', name: 'layering-policy' },
      data: { layerOrder: ['site'] },
    },
    {
      schema: 'armada/Manifest/v1',
      metadata: meta('manifest'),
      data: { release_prefix: '{{siteName}}', chart_groups: ['ran'] },
    },
    {
      schema: 'armada/ChartGroup/v1',
      metadata: meta('ran'),
      data: { description: '5G RAN site services', sequenced: false, chart_group: releases },
    },
    ...releases.map((r) => ({
      schema: 'armada/Chart/v1',
      metadata: meta(r),
      data: {
        chart_name: 'demo-config',
        release: r,
        namespace: releaseNamespace,
        source: { type: 'local', location: 'charts/demo-config', subpath: '.' },
        wait: { timeout: 120 },
        values: { data: { site: '{{siteName}}', vlan: '{{values.vlan}}', release: r, version } },
      },
    })),
    {
      schema: 'drydock/BaremetalNode/v1',
      metadata: meta('{{siteName}}-node'),
      data: {
        host_profile: 'ran',
        oob: { type: 'manual' },
        addressing: [{ network: 'oob', address: '10.0.0.1' }],
      },
    },
    {
      schema: 'slipway/BaremetalHost/v1',
      metadata: meta('{{siteName}}-node'),
      data: {
        node: '{{siteName}}-node',
        bootMACAddress: '{{values.mac}}',
        bmc: { address: 'fake://{{siteName}}-node' },
      },
    },
  ];
}

/** The CRD's limit on one list generator's elements: larger fleets use several list generators. */
export const LIST_ELEMENTS_MAX = 5_000;

const chunks = <T>(xs: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/** Canary 1, then 10 %, then the rest (the implicit last wave). */
export const WAVES = [
  { name: 'canary', count: 1 },
  { name: 'ten-percent', percent: 10 },
] as const;

export function fleetSiteSet(o: FleetSiteSetOptions): SiteSet {
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'SiteSet',
    // The SiteSet itself belongs to the first shard: that replica generates and rolls out.
    metadata: { name: o.name, namespace: o.namespace, labels: { [SHARD_LABEL]: o.shards[0]! } },
    spec: {
      shards: [...o.shards],
      generators: chunks(fleetElements(o.prefix, o.sites), LIST_ELEMENTS_MAX).map((elements) => ({
        list: { elements },
      })),
      template: {
        metadata: { labels: { 'fleet.slipway.dev/type': 'ran' } },
        spec: { source: { inline: { documents: typeDocuments(o.namespace, o.version) } } },
      },
      strategy: { waves: WAVES.map((w) => ({ ...w })) },
    },
  };
}
