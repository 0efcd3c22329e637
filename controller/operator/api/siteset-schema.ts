// The SiteSet resource's spec and status as a structural OpenAPI v3 schema (the CRD
// crds/slipway.dev_sitesets.yaml and validateSiteSetSpec come from it). The template is a
// Site spec (site-schema.ts) without siteName; see ./siteset-types.ts for the semantics.

import { CEL } from './cel-rules.js';
import {
  arr,
  bool,
  cel,
  DNS_LABEL,
  int,
  int64,
  localObjectReference,
  num,
  obj,
  type Schema,
  str,
  stringMap,
  time,
  withoutPatterns,
  withRules,
} from './schema-kit.js';
import {
  conditionsSchema,
  durationSchema,
  gitRefSchema,
  gitUrlSchema,
  repoPathSchema,
  rootSchema,
  siteSpecSchema,
} from './site-schema.js';

const labelSelectorSchema = (): Schema =>
  obj("A label selector over the generated Sites' labels (matchLabels and matchExpressions are ANDed).", {
    matchLabels: stringMap('Labels a Site must have.'),
    matchExpressions: arr(
      'Label requirements.',
      withRules(
        obj(
          'A label requirement.',
          {
            key: str('Label key.', { minLength: 1, maxLength: 317 }),
            operator: str('In, NotIn, Exists or DoesNotExist.', { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }),
            values: arr('Values for In and NotIn.', str('A label value.', { maxLength: 63 }), { maxItems: 64 }),
          },
          ['key', 'operator'],
        ),
        cel(CEL.selectorValues, 'values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist'),
      ),
      { maxItems: 16 },
    ),
  });

export function siteSetSpecSchema(path = 'spec'): Schema {
  // Placeholders may stand in any string of the template (a per-site Secret name, say), so
  // pattern checks wait for the generated Site, which the controller validates in full.
  const templateSpec = withRules(
    withoutPatterns(siteSpecSchema(`${path}.template.spec`)),
    cel(CEL.noSiteName, "siteName must not be set: each generated Site gets its generator's siteName"),
  );
  const listGenerator = obj(
    'A fixed list of sites with their parameters.',
    {
      elements: arr(
        'The sites; a siteName may appear once.',
        obj(
          'One site.',
          {
            siteName: str(
              'The site (site/<siteName>/ in a Pegleg repository); the generated Site is <siteset>-<siteName>.',
              {
                minLength: 1,
                maxLength: 63,
                pattern: DNS_LABEL,
              },
            ),
            labels: stringMap('Labels added to the generated Site (wave selectors match them).'),
            values: stringMap("Parameters for the template's {{values.NAME}}."),
          },
          ['siteName'],
        ),
        { minItems: 1, maxItems: 5000, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['siteName'] },
      ),
    },
    ['elements'],
  );
  const gitGenerator = obj(
    'Every site/<name>/ folder of a Pegleg repository whose site-definition.yaml has this site_type.',
    {
      url: gitUrlSchema('https://, http://, ssh://, user@host:path, or file:// (tests).'),
      ref: gitRefSchema(),
      path: repoPathSchema('Folder of the Pegleg repository inside the git repository (default: the root).'),
      siteType: str('The site_type a site-definition must have.', { minLength: 1, maxLength: 253 }),
      secretRef: localObjectReference(
        'A Secret with `username`/`password` (https), `identity` and `known_hosts` (ssh), `ca.crt` (a private CA).',
      ),
      interval: durationSchema('How often to look for new or removed sites, as a Go duration.'),
    },
    ['url', 'siteType'],
  );
  const generator = withRules(
    obj('Exactly one of list or git.', { list: listGenerator, git: gitGenerator }),
    cel(CEL.exactlyOneGenerator, 'exactly one of list or git must be set'),
  );
  const wave = withRules(
    obj('One wave: exactly one of selector, count or percent.', {
      name: str('A name for status and events.', { maxLength: 63 }),
      selector: labelSelectorSchema(),
      count: int('The next N Sites in generator order.', { minimum: 1 }),
      percent: int('The next N% of all Sites, rounded up.', { minimum: 1, maximum: 100 }),
    }),
    cel(CEL.exactlyOneWaveSize, 'exactly one of selector, count or percent must be set'),
  );
  return obj(
    'SiteSetSpec is the intent: which Sites to generate from which template, and how to roll a change out across them.',
    {
      template: obj(
        'What every generated Site looks like.',
        {
          metadata: obj('Labels and annotations of the generated Sites.', {
            labels: stringMap('Labels.'),
            annotations: stringMap('Annotations.'),
          }),
          spec: templateSpec,
        },
        ['spec'],
      ),
      generators: arr("Where the sites come from; the Sites are the union of every generator's sites.", generator, {
        minItems: 1,
        maxItems: 16,
      }),
      prune: bool(
        'Delete the Site of a site that the generators no longer list (default false: leave it, no longer owned).',
      ),
      suspend: bool('Generate and update nothing until false again.'),
      shards: arr(
        'Controller shards to spread the Sites over: each generated Site gets the label sharding.slipway.dev/key of one of them (a stable hash of its site name), unless its template or element sets that label.',
        str('A shard key (a label value).', { pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$' }),
        { maxItems: 64 },
      ),
      strategy: obj('How a change rolls out across the Sites.', {
        waves: arr('Waves in order; the first is the canary. Sites no wave takes form a last wave.', wave, {
          maxItems: 32,
        }),
        maxParallel: int('Sites of a wave updated at once (default: the whole wave).', { minimum: 1 }),
        maxFailures: int('Failed Sites tolerated before the rollout stops with Stalled (default 0).', { minimum: 0 }),
        pauseBetween: durationSchema('Wait between waves, as a Go duration.'),
        paused: bool(
          'Hold the rollout: no further Site starts updating (Sites already updating finish); the slipway.dev/rollout-paused annotation does the same.',
        ),
      }),
    },
    ['template', 'generators'],
  );
}

const ratio = (description: string): Schema => str(description, { pattern: '^[0-9]+/[0-9]+$' });

export function siteSetStatusSchema(): Schema {
  const waveStatus = obj(
    'One wave of the rollout.',
    {
      index: int('Position in strategy.waves (the last, implicit wave follows them).', { minimum: 0 }),
      name: str("The wave's name."),
      state: str('Where the wave stands.', { enum: ['Pending', 'Progressing', 'Paused', 'Succeeded', 'Failed'] }),
      sites: arr('Generated Site names in this wave.', str('Site name.')),
      startedAt: time('When the wave started.'),
      finishedAt: time('When the wave finished.'),
      durationSeconds: num('How long it took.', { minimum: 0 }),
    },
    ['index', 'state', 'sites'],
  );
  const siteStatus = obj(
    'One generated Site.',
    {
      name: str("The Site object's name."),
      siteName: str("The generator's siteName."),
      wave: int('Index into rollout.waves.', { minimum: 0 }),
      state: str('Where the Site stands in the rollout.', {
        enum: ['Pending', 'Progressing', 'Ready', 'Failed', 'Suspended'],
      }),
      revision: str("The Site's lastAppliedRevision."),
      specDigest: str('Digest of the Site spec generated for it.'),
      startedAt: time('When its update started.'),
      finishedAt: time('When its update finished.'),
      durationSeconds: num('How long it took.', { minimum: 0 }),
      message: str('Why it failed, or what it waits for.'),
    },
    ['name', 'siteName', 'wave', 'state'],
  );
  const count = (what: string) => int(what, { minimum: 0 });
  return obj('SiteSetStatus is the observation: the generated Sites and the rollout across them.', {
    observedGeneration: int64('The metadata.generation last reconciled.', { minimum: 0 }),
    conditions: conditionsSchema,
    rollout: obj(
      'The rollout in progress, or the last one.',
      {
        revision: str('What is being rolled out: a digest of the template and the generated parameters.'),
        state: str('Progressing, Paused, Completed or Stalled.', {
          enum: ['Progressing', 'Paused', 'Completed', 'Stalled'],
        }),
        currentWave: int('Index of the wave in progress (or the last one).', { minimum: 0 }),
        startedAt: time('When the rollout started.'),
        finishedAt: time('When it finished.'),
        waves: arr('Every wave.', waveStatus),
      },
      ['revision', 'state', 'waves'],
    ),
    sites: arr(
      'The generated Sites, at most 1,000: past that, Failed, Progressing and Pending ones first (counts covers every Site).',
      siteStatus,
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
    ),
    counts: obj(
      'Sites by state.',
      {
        total: count('All Sites.'),
        ready: count("Ready at the rollout's revision."),
        progressing: count('Being updated.'),
        failed: count('Failed.'),
        pending: count('Not started.'),
      },
      ['total', 'ready', 'progressing', 'failed', 'pending'],
    ),
    summary: obj(
      'For `kubectl get sitesets`.',
      { sites: ratio('Sites ready/total.'), wave: ratio('Current wave/total waves (1-based).') },
      ['sites'],
    ),
    lastHandledReconcileAt: str('The last slipway.dev/requestedAt annotation value handled.'),
  });
}

export function siteSetSchema(): Schema {
  return rootSchema(
    'A SiteSet: Sites generated from one template and a generator (a list, or the site folders of a git repository), rolled out in waves.',
    siteSetSpecSchema(),
    siteSetStatusSchema(),
  );
}
