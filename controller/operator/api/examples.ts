// A Site and a SiteSet with every field of the TypeScript types set, checked by tsc (every
// key required, no unknown key). The unit tests compare them with the schemas both ways, so
// ./types.ts, ./siteset-types.ts and the CRDs cannot drift apart, and use them as valid
// statuses.

import type { SiteSetSpec, SiteSetStatus } from './siteset-types.js';
import type { SiteSpec, SiteStatus } from './types.js';

type Deep<T> = T extends (infer U)[] ? Deep<U>[] : T extends object ? { [K in keyof T]-?: Deep<T[K]> } : T;

const T0 = '2026-11-22T02:00:00Z';
const T1 = '2026-11-22T02:05:00Z';
const READY = {
  type: 'Ready',
  status: 'True' as const,
  reason: 'Applied',
  message: 'applied',
  lastTransitionTime: T1,
  observedGeneration: 3,
};

export const FULL_SITE_SPEC: Deep<Omit<SiteSpec, 'source'>> & {
  source: {
    git: Deep<NonNullable<SiteSpec['source']['git']>>;
    inline: Deep<NonNullable<SiteSpec['source']['inline']>>;
  };
} = {
  source: {
    git: {
      url: 'https://git.example.test/sites.git',
      ref: { branch: 'main', tag: 'v1', commit: '0123abc' },
      path: 'site-manifests',
      secretRef: { name: 'git' },
      interval: '5m',
    },
    inline: { documents: [{ schema: 'armada/Chart/v1' }], configMapRefs: [{ name: 'docs', key: 'site.yaml' }] },
  },
  siteName: 'edge-01',
  target: { kubeconfigSecretRef: { name: 'kubeconfig', key: 'value' } },
  ironic: { url: 'http://127.0.0.1:6385', credentialsSecretRef: { name: 'ironic' } },
  suspend: false,
  prune: true,
  timeout: '30m',
  deletionPolicy: 'Delete',
  concurrency: { helm: 4, ironic: 8 },
  sourceRewrites: [{ prefix: 'https://opendev.org/openstack/', replacement: 'https://mirror.example.test/openstack/' }],
  render: { compat: 'deckhand' },
  driftDetection: 'enabled',
};

export const FULL_SITE_STATUS: Deep<SiteStatus> = {
  observedGeneration: 3,
  conditions: [READY],
  lastAppliedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
  lastAttemptedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
  renderedDigest: 'sha256:aa',
  workflow: {
    revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    digest: 'sha256:aa',
    phases: [
      {
        name: 'nodes',
        steps: [
          {
            id: 'node/n1',
            state: 'Succeeded',
            digest: 'sha256:bb',
            startedAt: T0,
            finishedAt: T1,
            message: 'active',
            revision: 1,
            operation: {
              operation: 'ensure',
              startedAt: T0,
              issued: ['active'],
              polls: 3,
              delayMs: 1500,
              seen: 'deploying|active',
              created: false,
              writes: 1,
            },
            drift: ['powerState: power off → power on'],
          },
        ],
      },
    ],
  },
  nodes: { ready: 1, total: 1 },
  releases: { ready: 2, total: 3 },
  history: [
    {
      revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
      digest: 'sha256:aa',
      startedAt: T0,
      finishedAt: T1,
      durationSeconds: 300,
      result: 'Succeeded',
    },
  ],
  summary: { nodes: '1/1', releases: '2/3' },
  lastHandledReconcileAt: '2026-11-22T02:04:00Z',
  drivers: 'fake',
};

const { siteName: _siteName, ...TEMPLATE_SPEC } = FULL_SITE_SPEC;

export const FULL_SITESET_SPEC: Deep<Omit<SiteSetSpec, 'generators'>> & {
  generators: Deep<SiteSetSpec['generators'][number]>[];
} = {
  template: { metadata: { labels: { fleet: 'edge' }, annotations: { note: 'x' } }, spec: TEMPLATE_SPEC },
  generators: [
    {
      list: { elements: [{ siteName: 'edge-01', labels: { ring: 'canary' }, values: { region: 'north' } }] },
      git: {
        url: 'https://git.example.test/sites.git',
        ref: { branch: 'main', tag: 'v1', commit: '0123abc' },
        path: '.',
        siteType: 'edge',
        secretRef: { name: 'git' },
        interval: '5m',
      },
    },
  ],
  prune: true,
  suspend: false,
  shards: ['shard-1', 'shard-2'],
  strategy: {
    waves: [
      {
        name: 'canary',
        selector: {
          matchLabels: { ring: 'canary' },
          matchExpressions: [{ key: 'ring', operator: 'In', values: ['canary'] }],
        },
        count: 1,
        percent: 10,
      },
    ],
    maxParallel: 2,
    maxFailures: 1,
    pauseBetween: '1m',
    paused: false,
  },
};

export const FULL_SITESET_STATUS: Deep<SiteSetStatus> = {
  observedGeneration: 2,
  conditions: [READY],
  rollout: {
    revision: 'sha256:cc',
    state: 'Progressing',
    currentWave: 0,
    startedAt: T0,
    finishedAt: T1,
    waves: [
      {
        index: 0,
        name: 'canary',
        state: 'Progressing',
        sites: ['fleet-edge-01'],
        startedAt: T0,
        finishedAt: T1,
        durationSeconds: 300,
      },
    ],
  },
  sites: [
    {
      name: 'fleet-edge-01',
      siteName: 'edge-01',
      wave: 0,
      state: 'Ready',
      revision: 'main@sha1:01',
      specDigest: 'sha256:dd',
      startedAt: T0,
      finishedAt: T1,
      durationSeconds: 300,
      message: 'Ready',
    },
  ],
  counts: { total: 1, ready: 1, progressing: 0, failed: 0, pending: 0 },
  summary: { sites: '1/1', wave: '1/1' },
  lastHandledReconcileAt: '2026-11-22T02:04:00Z',
};
