// The SiteSet custom resource (slipway.dev/v1alpha1): many Sites from one template and a
// generator, rolled out across the fleet in waves. Spec is intent, status is observation.
// The JSON Schema in ./siteset-schema.ts describes the same shape for ajv and for the CRD.

import type { Condition, GitSource, LocalObjectReference, SiteSpec } from './types.js';

export const SITESET_KIND = 'SiteSet';
export const SITESET_PLURAL = 'sitesets';
/** Label on every generated Site: the name of the SiteSet that owns it. */
export const SITESET_LABEL = 'slipway.dev/siteset';
/** Label on every generated Site: the site (generator element or site/<name>/ folder) it stands for. */
export const SITE_NAME_LABEL = 'slipway.dev/site-name';
/** Annotation: "true" pauses the rollout like spec.strategy.paused; removing it resumes. */
export const ROLLOUT_PAUSED = 'slipway.dev/rollout-paused';

/** What each generated Site looks like; `{{siteName}}` and `{{values.NAME}}` in its strings are filled per site. */
export interface SiteTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** A Site spec without siteName: each generated Site gets its generator element's siteName. */
  spec: Omit<SiteSpec, 'siteName'>;
}

export interface ListGeneratorElement {
  /** The site's name: the Pegleg folder site/<siteName>/, and the generated Site is named <siteset>-<siteName>. */
  siteName: string;
  /** Labels added to the generated Site (wave selectors match them). */
  labels?: Record<string, string>;
  /** Parameters for the template: `{{values.NAME}}`. */
  values?: Record<string, string>;
}

export interface ListGenerator {
  elements: ListGeneratorElement[];
}

/** Every site/<name>/ folder of a Pegleg repository whose site-definition's site_type is `siteType`. */
export interface GitGenerator {
  url: string;
  ref?: GitSource['ref'];
  /** Folder of the Pegleg repository inside the git repository (default: the root). */
  path?: string;
  siteType: string;
  secretRef?: LocalObjectReference;
  /** How often to look for new or removed sites, as a Go duration (default: the template's interval). */
  interval?: string;
}

/** Exactly one of list or git. */
export interface SiteGenerator {
  list?: ListGenerator;
  git?: GitGenerator;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * One wave of a rollout: exactly one of selector (the Sites whose labels match), count (the
 * next N Sites in generator order) or percent (the next N% of all Sites, rounded up). Sites
 * that an earlier wave took are not taken again; those no wave takes form a last wave.
 */
export interface RolloutWave {
  name?: string;
  selector?: LabelSelector;
  count?: number;
  percent?: number;
}

export interface RolloutStrategy {
  /** The first wave is the canary. A wave starts only when every Site of the previous one is Ready at the new revision. */
  waves?: RolloutWave[];
  /** Sites of a wave updated at once (default: the whole wave). */
  maxParallel?: number;
  /** Failed Sites tolerated before the rollout stops (Stalled) (default 0). */
  maxFailures?: number;
  /** Wait between waves, as a Go duration. */
  pauseBetween?: string;
  /** Hold the rollout: no further Site starts updating; Sites already updating finish (the slipway.dev/rollout-paused annotation does the same). */
  paused?: boolean;
}

export interface SiteSetSpec {
  template: SiteTemplate;
  /** The Sites are the union of every generator's sites; a siteName may appear once. */
  generators: SiteGenerator[];
  /** Delete the Site of a site that the generators no longer list (default false: leave it, unowned). */
  prune?: boolean;
  /** Generate and update nothing until false again. */
  suspend?: boolean;
  /** Controller shards the generated Sites are spread over (label sharding.slipway.dev/key, a stable hash of the site name). */
  shards?: string[];
  strategy?: RolloutStrategy;
}

export type WaveState = 'Pending' | 'Progressing' | 'Paused' | 'Succeeded' | 'Failed';
export type SiteRolloutState = 'Pending' | 'Progressing' | 'Ready' | 'Failed' | 'Suspended';
export type RolloutState = 'Progressing' | 'Paused' | 'Completed' | 'Stalled';

export interface WaveStatus {
  index: number;
  name?: string;
  state: WaveState;
  /** Site names (generated Site objects) of this wave. */
  sites: string[];
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
}

export interface SiteSetSiteStatus {
  /** The generated Site object's name. */
  name: string;
  siteName: string;
  /** Index into status.rollout.waves. */
  wave: number;
  state: SiteRolloutState;
  /** The Site's lastAppliedRevision. */
  revision?: string;
  /** Digest of the Site spec generated for it; equal to rollout.revision's spec when it is up to date. */
  specDigest?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  message?: string;
}

export interface RolloutStatus {
  /** Identifies what is being rolled out: a digest of the template and the generated parameters. */
  revision: string;
  state: RolloutState;
  /** Index of the wave in progress (or the last one). */
  currentWave?: number;
  startedAt?: string;
  finishedAt?: string;
  waves: WaveStatus[];
}

export interface SiteSetCounts {
  total: number;
  ready: number;
  progressing: number;
  failed: number;
  pending: number;
}

export interface SiteSetStatus {
  observedGeneration?: number;
  /** kstatus: Ready, Reconciling, Stalled (e.g. more failures than maxFailures; a generator that failed or returned nothing). */
  conditions?: Condition[];
  rollout?: RolloutStatus;
  sites?: SiteSetSiteStatus[];
  counts?: SiteSetCounts;
  /** For `kubectl get sitesets`: sites "ready/total", wave "current/total" (1-based). */
  summary?: { sites: string; wave?: string };
  /** The last `slipway.dev/requestedAt` annotation value handled. */
  lastHandledReconcileAt?: string;
}

export interface SiteSet {
  apiVersion: 'slipway.dev/v1alpha1';
  kind: typeof SITESET_KIND;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec: SiteSetSpec;
  status?: SiteSetStatus;
}
