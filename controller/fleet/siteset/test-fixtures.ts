// In-memory SiteSets and Sites for the unit tests of this folder.

import type { SiteSet } from '../../operator/api/siteset-types.js';
import type { Condition, Site } from '../../operator/api/types.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';
import type { DesiredSite } from './generate.js';
import { siteObject } from './sync.js';

export const T0 = new Date('2026-01-01T00:00:00Z');

export function siteSet(patch: (s: SiteSet) => void = () => {}): SiteSet {
  const s: SiteSet = {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'SiteSet',
    metadata: { name: 'edge', namespace: 'fleet', uid: 'uid-edge', generation: 1 },
    spec: {
      template: {
        metadata: { labels: { tier: 'edge' } },
        spec: {
          source: {
            inline: {
              documents: [
                {
                  schema: 'armada/Chart/v1',
                  metadata: { schema: 'metadata/Document/v1', name: 'cfg' },
                  data: { values: { data: { site: '{{siteName}}', vlan: '{{ .values.vlan }}' } } },
                },
              ],
            },
          },
        },
      },
      generators: [
        {
          list: {
            elements: [
              { siteName: 'a', values: { vlan: '10' }, labels: { ring: 'canary' } },
              { siteName: 'b', values: { vlan: '20' } },
              { siteName: 'c', values: { vlan: '30' } },
            ],
          },
        },
      ],
    },
  };
  patch(s);
  return s;
}

export type SiteState = 'ready' | 'progressing' | 'failed' | 'stalled' | 'unobserved' | 'suspended';

/** A Site as the API server would hold it after the SiteSet applied `desired`, in `state`. */
export function siteAt(
  set: SiteSet,
  desired: DesiredSite,
  state: SiteState,
  opts: { generation?: number; revision?: string; digest?: string } = {},
): Site {
  const site = structuredClone(siteObject(set, desired));
  const generation = opts.generation ?? 2;
  site.metadata.generation = generation;
  site.metadata.uid = `uid-${desired.name}`;
  if (opts.digest) site.metadata.annotations = { ...site.metadata.annotations, [SPEC_DIGEST_ANNOTATION]: opts.digest };
  if (state === 'suspended') site.spec.suspend = true;
  const c = (type: string, status: Condition['status'], reason: string, message = reason): Condition => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: T0.toISOString(),
    observedGeneration: generation,
  });
  const revision = opts.revision ?? 'sha256:rev';
  switch (state) {
    case 'ready':
      site.status = {
        observedGeneration: generation,
        lastAppliedRevision: revision,
        conditions: [c('Ready', 'True', 'Succeeded')],
      };
      break;
    case 'progressing':
      site.status = {
        observedGeneration: generation,
        conditions: [c('Ready', 'Unknown', 'Progressing'), c('Reconciling', 'True', 'Progressing')],
      };
      break;
    case 'failed':
      site.status = {
        observedGeneration: generation,
        conditions: [
          c('Ready', 'False', 'ApplyFailed', 'release demo-fail failed'),
          c('Reconciling', 'True', 'ProgressingWithRetry'),
        ],
      };
      break;
    case 'stalled':
      site.status = {
        observedGeneration: generation,
        conditions: [
          c('Ready', 'False', 'RenderFailed', 'inline/0:3: bad'),
          c('Stalled', 'True', 'RenderFailed', 'inline/0:3: bad'),
        ],
      };
      break;
    case 'unobserved':
      site.status = { observedGeneration: generation - 1, conditions: [c('Ready', 'True', 'Succeeded')] };
      break;
    case 'suspended':
      break;
  }
  return site;
}
