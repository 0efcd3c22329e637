// The Site custom resource (slipway.dev/v1alpha1): spec is intent, status is observation.
// The JSON Schema in ./site-schema.ts describes the same shape for ajv and for the CRD.

import type { RenderCompat } from '../../render/options.js';

export const GROUP = 'slipway.dev';
export const VERSION = 'v1alpha1';
export const SITE_KIND = 'Site';
export const SITE_PLURAL = 'sites';
export const FINALIZER = 'slipway.dev/finalizer';
/** Annotation: set to any new value to request an immediate reconcile (Flux's requestedAt habit). */
export const REQUESTED_AT = 'slipway.dev/requestedAt';
/** Annotation: set to a step id (or "all") to retry failed steps now instead of after backoff. */
export const RETRY_STEP = 'slipway.dev/retry';

export interface LocalObjectReference {
  name: string;
}

export interface SecretKeyReference {
  name: string;
  key?: string;
}

export interface GitSource {
  /** https://, ssh://, git@host:path, or file:// (tests). */
  url: string;
  ref?: { branch?: string; tag?: string; commit?: string };
  /** Folder of the site repository inside the git repository (default: the root). */
  path?: string;
  /** Secret with `username`/`password` (https) or `identity` (ssh). */
  secretRef?: LocalObjectReference;
  /** How often to look for a new revision, as a Go duration ("5m"). */
  interval?: string;
}

export interface InlineSource {
  /** Airship documents (schema / metadata / data), in order. */
  documents?: Record<string, unknown>[];
  /** ConfigMaps whose keys (or one key) hold multi-document YAML. */
  configMapRefs?: { name: string; key?: string }[];
}

export interface SiteSpec {
  source: { git?: GitSource; inline?: InlineSource };
  /** The site to render from a Pegleg repository (site/<siteName>/); optional for an inline source. */
  siteName?: string;
  /** Where the releases go: a Secret holding a kubeconfig (key `value` or `kubeconfig`); default: this cluster. */
  target?: { kubeconfigSecretRef?: SecretKeyReference };
  ironic?: { url: string; credentialsSecretRef?: LocalObjectReference };
  suspend?: boolean;
  prune?: boolean;
  /** Time allowed for one apply, as a Go duration (default "30m"). */
  timeout?: string;
  deletionPolicy?: 'Orphan' | 'Delete';
  concurrency?: { helm?: number; ironic?: number };
  /** Chart source locations rewritten by prefix (git's insteadOf), for mirrors. */
  sourceRewrites?: { prefix: string; replacement: string }[];
  /** `compat: deckhand` renders exactly as Deckhand did, bugs included (render/options.ts). */
  render?: { compat?: RenderCompat };
  /** Live objects of releases against their manifests: enabled repairs, warn reports (default), disabled does not look. */
  driftDetection?: 'enabled' | 'warn' | 'disabled';
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** kstatus conditions: Ready, Reconciling, Stalled. */
export interface Condition {
  type: 'Ready' | 'Reconciling' | 'Stalled' | string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type StepState = 'Pending' | 'Running' | 'Succeeded' | 'Unchanged' | 'Failed' | 'Skipped';

export interface StepStatus {
  id: string;
  state: StepState;
  /** The step's digest when it last succeeded: a restarted controller skips it when the digest still matches. */
  digest?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  /** A release step: the Helm revision the release was at when last observed after an apply. */
  revision?: number;
  /** A node step Ironic is still working on: the operation, kept across reconciles (its timeout counts from startedAt). */
  operation?: NodeOperationStatus;
  /** A node step: drift found on the node (maintenance, power, provision state), as the last diff saw it. */
  drift?: string[];
}

export interface NodeOperationStatus {
  operation: 'ensure' | 'remove' | 'power-on' | 'leave-maintenance';
  startedAt: string;
  /** Ironic actions the operation issued. */
  issued: string[];
  polls: number;
  delayMs?: number;
  seen: string;
  created: boolean;
  writes: number;
}

export interface PhaseStatus {
  name: string;
  steps: StepStatus[];
}

export interface HistoryEntry {
  revision: string;
  digest: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  result: 'Succeeded' | 'Failed';
}

export interface SiteStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** Digest of the rendered workflow last attempted. */
  renderedDigest?: string;
  workflow?: { revision: string; digest: string; phases: PhaseStatus[] };
  nodes?: { ready: number; total: number };
  releases?: { ready: number; total: number };
  /** The last 5 applies, newest first (the schema allows at most 5). */
  history?: HistoryEntry[];
  /**
   * `nodes` and `releases` as "ready/total" strings, for `kubectl get sites` (a printer
   * column cannot compute them); fill with `statusSummary()` from ./status-summary.ts.
   */
  summary?: { nodes: string; releases: string };
  /** The last `slipway.dev/requestedAt` annotation value handled (Flux's lastHandledReconcileAt). */
  lastHandledReconcileAt?: string;
  /** `fake` when the controller runs with `--drivers fake`: nothing real was installed or provisioned. */
  drivers?: 'fake';
}

export interface Site {
  apiVersion: `${typeof GROUP}/${typeof VERSION}`;
  kind: typeof SITE_KIND;
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
    ownerReferences?: unknown[];
  };
  spec: SiteSpec;
  status?: SiteStatus;
}
