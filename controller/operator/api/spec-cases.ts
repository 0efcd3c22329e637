// Table rows of valid and invalid Site and SiteSet specs, each a change to a valid base, with
// the exact problems validateSiteSpec / validateSiteSetSpec report. The unit tests check the
// TypeScript validators against them; e2e/site-crd.test.ts sends the same rows to a real
// API server, which must accept and reject the same ones (with the same CEL messages).

import type { SiteSetSpec } from './siteset-types.js';
import type { SiteSpec } from './types.js';

export interface SpecCase<T> {
  name: string;
  spec: T;
  /** The problems validate*Spec reports, in order; [] for a valid spec. */
  errors: string[];
  /**
   * Text the API server's rejection must contain (the CEL message, or the field path of a
   * schema error). Undefined: the server accepts, or (for `unknown field` rows) rejects in a
   * way not worth matching.
   */
  server?: string[];
}

const DOC = {
  schema: 'armada/Chart/v1',
  metadata: { schema: 'metadata/Document/v1', name: 'demo' },
  data: { chart_name: 'demo' },
};

export const BASE_GIT: SiteSpec = {
  source: {
    git: { url: 'https://git.example.test/sites.git', ref: { branch: 'main' }, path: 'site-manifests', interval: '5m' },
  },
  siteName: 'edge-01',
};

export const BASE_INLINE: SiteSpec = { source: { inline: { documents: [DOC] } } };

const DURATION = 'must be a Go duration greater than zero, such as 30s, 5m or 1h30m';
const ONE_SOURCE = 'exactly one of spec.source.git or spec.source.inline must be set';

const git = (patch: Partial<NonNullable<SiteSpec['source']['git']>>, rest: Partial<SiteSpec> = {}): SiteSpec => ({
  ...BASE_GIT,
  source: { git: { ...BASE_GIT.source.git!, ...patch } },
  ...rest,
});
const inline = (rest: Partial<SiteSpec>): SiteSpec => ({ ...BASE_INLINE, ...rest });

export const SITE_SPEC_CASES: SpecCase<SiteSpec>[] = [
  // valid
  { name: 'git source following a branch', spec: BASE_GIT, errors: [] },
  {
    name: 'inline documents (data may be any JSON value)',
    spec: { source: { inline: { documents: [DOC, { ...DOC, data: 'a passphrase' }] } } },
    errors: [],
  },
  {
    name: 'inline ConfigMap references',
    spec: { source: { inline: { configMapRefs: [{ name: 'site-docs', key: 'site.yaml' }] } } },
    errors: [],
  },
  {
    name: 'scp-like git URL, tag',
    spec: git({ url: 'git@git.example.test:org/sites.git', ref: { tag: 'v1.2.0' } }),
    errors: [],
  },
  {
    name: 'file:// URL, commit, compound interval',
    spec: git({ url: 'file:///srv/sites', ref: { commit: '0123abc' }, interval: '1h30m' }),
    errors: [],
  },
  {
    name: 'every optional field',
    spec: git(
      { secretRef: { name: 'git-creds' }, interval: '1.5m' },
      {
        target: { kubeconfigSecretRef: { name: 'edge-01-kubeconfig', key: 'value' } },
        ironic: { url: 'http://127.0.0.1:6385', credentialsSecretRef: { name: 'ironic-creds' } },
        suspend: false,
        prune: true,
        timeout: '45m',
        deletionPolicy: 'Delete',
        concurrency: { helm: 4, ironic: 16 },
      },
    ),
    errors: [],
  },
  // CEL rules
  {
    name: 'both git and inline',
    spec: { ...BASE_GIT, source: { git: BASE_GIT.source.git!, inline: BASE_INLINE.source.inline! } },
    errors: [`spec.source: ${ONE_SOURCE}`],
    server: [ONE_SOURCE],
  },
  {
    name: 'neither git nor inline',
    spec: { source: {} },
    errors: [`spec.source: ${ONE_SOURCE}`],
    server: [ONE_SOURCE],
  },
  {
    name: 'interval in words',
    spec: git({ interval: '5 minutes' }),
    errors: [`spec.source.git.interval: ${DURATION}`],
    server: [DURATION],
  },
  {
    name: 'interval without a unit',
    spec: git({ interval: '300' }),
    errors: [`spec.source.git.interval: ${DURATION}`],
    server: [DURATION],
  },
  {
    name: 'zero interval',
    spec: git({ interval: '0s' }),
    errors: [`spec.source.git.interval: ${DURATION}`],
    server: [DURATION],
  },
  {
    name: 'negative timeout',
    spec: inline({ timeout: '-5m' }),
    errors: [`spec.timeout: ${DURATION}`],
    server: [DURATION],
  },
  {
    name: 'day unit (not Go)',
    spec: inline({ timeout: '1d' }),
    errors: [`spec.timeout: ${DURATION}`],
    server: [DURATION],
  },
  {
    name: 'branch and tag',
    spec: git({ ref: { branch: 'main', tag: 'v1' } }),
    errors: ['spec.source.git.ref: at most one of branch, tag or commit may be set'],
    server: ['at most one of branch, tag or commit may be set'],
  },
  {
    name: 'ftp URL',
    spec: git({ url: 'ftp://git.example.test/sites.git' }),
    errors: ['spec.source.git.url: must be an https://, http://, ssh:// or file:// URL, or user@host:path'],
    server: ['must be an https://, http://, ssh:// or file:// URL, or user@host:path'],
  },
  {
    name: 'URL with a space',
    spec: git({ url: 'https://git.example.test/my sites.git' }),
    errors: ['spec.source.git.url: must be an https://, http://, ssh:// or file:// URL, or user@host:path'],
    server: ['must be an https://, http://, ssh:// or file:// URL, or user@host:path'],
  },
  {
    name: 'path that climbs out of the repository',
    spec: git({ path: 'site-manifests/../../etc' }),
    errors: ['spec.source.git.path: must be a relative path inside the repository, without .. segments'],
    server: ['must be a relative path inside the repository, without .. segments'],
  },
  {
    name: 'absolute path',
    spec: git({ path: '/etc' }),
    errors: ['spec.source.git.path: must be a relative path inside the repository, without .. segments'],
    server: ['must be a relative path inside the repository, without .. segments'],
  },
  {
    name: 'empty inline',
    spec: { source: { inline: { documents: [] } } },
    errors: ['spec.source.inline: must list documents or configMapRefs'],
    server: ['must list documents or configMapRefs'],
  },
  {
    name: 'Ironic URL without a scheme',
    spec: inline({ ironic: { url: '127.0.0.1:6385' } }),
    errors: ['spec.ironic.url: must be an http:// or https:// URL'],
    server: ['must be an http:// or https:// URL'],
  },
  // OpenAPI keywords
  {
    name: 'deletionPolicy not in the enum',
    spec: inline({ deletionPolicy: 'Always' as 'Delete' }),
    errors: ['spec.deletionPolicy: Unsupported value: supported values: "Orphan", "Delete"'],
    server: ['spec.deletionPolicy: Unsupported value: "Always"'],
  },
  {
    name: 'zero helm concurrency',
    spec: inline({ concurrency: { helm: 0, ironic: 1 } }),
    errors: ['spec.concurrency.helm: should be greater than or equal to 1'],
    server: ['spec.concurrency.helm in body should be greater than or equal to 1'],
  },
  {
    name: 'fractional Ironic concurrency',
    spec: inline({ concurrency: { ironic: 1.5 } }),
    errors: ['spec.concurrency.ironic: must be of type integer'],
    server: ['spec.concurrency.ironic'],
  },
  {
    name: 'no source',
    spec: {} as SiteSpec,
    errors: ['spec.source: Required value'],
    server: ['spec.source: Required value'],
  },
  {
    name: 'git without url',
    spec: { source: { git: { interval: '5m' } as unknown as { url: string } } },
    errors: ['spec.source.git.url: Required value'],
    server: ['spec.source.git.url: Required value'],
  },
  {
    name: 'siteName that climbs out of site/',
    spec: git({}, { siteName: '../etc' }),
    errors: ["spec.siteName: should match '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$'"],
    server: ['spec.siteName in body should match'],
  },
  {
    name: 'a document that is not an object',
    spec: { source: { inline: { documents: ['schema: x'] as unknown as Record<string, unknown>[] } } },
    errors: ['spec.source.inline.documents[0]: must be of type object'],
    server: ['spec.source.inline.documents[0]'],
  },
  {
    name: 'a wrong type blocks CEL rules (as on the API server)',
    spec: {
      source: { git: { url: 'https://x/y.git', interval: 5 as unknown as string }, inline: { documents: [DOC] } },
    },
    errors: ['spec.source.git.interval: must be of type string'],
    server: ['spec.source.git.interval'],
  },
  {
    name: 'a failed minimum does not block CEL rules',
    spec: { source: {}, concurrency: { helm: 0 } },
    errors: ['spec.concurrency.helm: should be greater than or equal to 1', `spec.source: ${ONE_SOURCE}`],
    server: [ONE_SOURCE, 'spec.concurrency.helm'],
  },
  {
    name: 'unknown field',
    spec: inline({ sourceRef: 'x' } as Partial<SiteSpec>),
    errors: ['spec.sourceRef: unknown field'],
    server: ['unknown field "spec.sourceRef"'],
  },
];

// --- SiteSet ---------------------------------------------------------------------------

export const BASE_SITESET: SiteSetSpec = {
  template: {
    metadata: { labels: { fleet: 'edge' } },
    spec: {
      source: { git: { url: 'https://git.example.test/sites.git', ref: { branch: 'main' }, interval: '5m' } },
      timeout: '20m',
    },
  },
  generators: [
    {
      list: {
        elements: [
          { siteName: 'edge-01', labels: { ring: 'canary' } },
          { siteName: 'edge-02', values: { region: 'north' } },
          { siteName: 'edge-03' },
        ],
      },
    },
  ],
  prune: false,
  strategy: {
    waves: [{ name: 'canary', selector: { matchLabels: { ring: 'canary' } } }, { count: 1 }, { percent: 100 }],
    maxParallel: 2,
    maxFailures: 0,
    pauseBetween: '1m',
  },
};

const siteSet = (patch: Partial<SiteSetSpec>): SiteSetSpec => ({ ...BASE_SITESET, ...patch });
const strategy = (patch: Partial<NonNullable<SiteSetSpec['strategy']>>): SiteSetSpec =>
  siteSet({ strategy: { ...BASE_SITESET.strategy, ...patch } });

export const SITESET_SPEC_CASES: SpecCase<SiteSetSpec>[] = [
  { name: 'list generator, three waves', spec: BASE_SITESET, errors: [] },
  {
    name: 'git generator',
    spec: siteSet({
      generators: [
        {
          git: {
            url: 'file:///srv/sites',
            ref: { branch: 'main' },
            path: 'site-manifests',
            siteType: 'edge',
            interval: '2m',
          },
        },
      ],
      strategy: {
        waves: [
          {
            selector: {
              matchExpressions: [
                { key: 'ring', operator: 'In', values: ['canary'] },
                { key: 'hold', operator: 'DoesNotExist' },
              ],
            },
          },
        ],
        paused: true,
      },
    }),
    errors: [],
  },
  {
    name: 'template sets siteName',
    spec: siteSet({
      template: { spec: { ...BASE_SITESET.template.spec, siteName: 'edge-01' } as SiteSetSpec['template']['spec'] },
    }),
    errors: ["spec.template.spec: siteName must not be set: each generated Site gets its generator's siteName"],
    server: ["siteName must not be set: each generated Site gets its generator's siteName"],
  },
  {
    name: 'template with both sources',
    spec: siteSet({
      template: { spec: { source: { ...BASE_SITESET.template.spec.source, inline: { documents: [DOC] } } } },
    }),
    errors: [
      'spec.template.spec.source: exactly one of spec.template.spec.source.git or spec.template.spec.source.inline must be set',
    ],
    server: ['exactly one of spec.template.spec.source.git or spec.template.spec.source.inline must be set'],
  },
  {
    name: 'generator with list and git',
    spec: siteSet({
      generators: [{ list: { elements: [{ siteName: 'a' }] }, git: { url: 'https://x/y.git', siteType: 'edge' } }],
    }),
    errors: ['spec.generators[0]: exactly one of list or git must be set'],
    server: ['exactly one of list or git must be set'],
  },
  {
    name: 'duplicate siteName',
    spec: siteSet({ generators: [{ list: { elements: [{ siteName: 'a' }, { siteName: 'a' }] } }] }),
    errors: ['spec.generators[0].list.elements[1]: Duplicate value: {"siteName":"a"}'],
    server: ['spec.generators[0].list.elements[1]: Duplicate value'],
  },
  {
    name: 'wave with count and percent',
    spec: strategy({ waves: [{ count: 1, percent: 10 }] }),
    errors: ['spec.strategy.waves[0]: exactly one of selector, count or percent must be set'],
    server: ['exactly one of selector, count or percent must be set'],
  },
  {
    name: 'empty wave',
    spec: strategy({ waves: [{ name: 'nothing' }] }),
    errors: ['spec.strategy.waves[0]: exactly one of selector, count or percent must be set'],
    server: ['exactly one of selector, count or percent must be set'],
  },
  {
    name: 'In without values',
    spec: strategy({ waves: [{ selector: { matchExpressions: [{ key: 'ring', operator: 'In' }] } }] }),
    errors: [
      'spec.strategy.waves[0].selector.matchExpressions[0]: values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist',
    ],
    server: ['values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist'],
  },
  {
    name: 'pauseBetween in words',
    spec: strategy({ pauseBetween: 'a minute' }),
    errors: [`spec.strategy.pauseBetween: ${DURATION}`],
    server: [DURATION],
  },
  {
    name: 'percent over 100',
    spec: strategy({ waves: [{ percent: 150 }] }),
    errors: ['spec.strategy.waves[0].percent: should be less than or equal to 100'],
    server: ['spec.strategy.waves[0].percent in body should be less than or equal to 100'],
  },
  {
    name: 'negative maxFailures',
    spec: strategy({ maxFailures: -1 }),
    errors: ['spec.strategy.maxFailures: should be greater than or equal to 0'],
    server: ['spec.strategy.maxFailures in body should be greater than or equal to 0'],
  },
  {
    name: 'siteName that is not a DNS label',
    spec: siteSet({ generators: [{ list: { elements: [{ siteName: 'Edge_01' }] } }] }),
    errors: ["spec.generators[0].list.elements[0].siteName: should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"],
    server: ['spec.generators[0].list.elements[0].siteName in body should match'],
  },
  {
    name: 'no generators',
    spec: siteSet({ generators: [] }),
    errors: ['spec.generators: should have at least 1 items'],
    server: ['spec.generators'],
  },
  {
    name: 'git generator without siteType',
    spec: siteSet({ generators: [{ git: { url: 'https://x/y.git' } as { url: string; siteType: string } }] }),
    errors: ['spec.generators[0].git.siteType: Required value'],
    server: ['spec.generators[0].git.siteType: Required value'],
  },
];
