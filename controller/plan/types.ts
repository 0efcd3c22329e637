// The workflow a site becomes: phases in order (bare metal, then each chart group), each a
// set of steps with explicit dependencies and the digest of what they apply.

import type { NodeSpec, ReleaseSpec } from '../drivers/types.js';

export interface StepOrigin {
  schema: string;
  name: string;
  /** file:line of the document the step comes from. */
  at: string;
}

interface StepBase {
  id: string;
  phase: string;
  dependsOn: string[];
  digest: string;
  origin: StepOrigin;
  /** Paths (Deckhand syntax, inside the spec) whose values are secrets: redacted when printed. */
  secretPaths: string[];
}

export interface NodeStep extends StepBase {
  kind: 'node';
  spec: NodeSpec;
}

export interface ReleaseStep extends StepBase {
  kind: 'release';
  spec: ReleaseSpec;
}

export type Step = NodeStep | ReleaseStep;

export interface Phase {
  name: string;
  kind: 'baremetal' | 'chart-group';
  sequenced: boolean;
  description?: string;
  steps: Step[];
}

export interface Workflow {
  site?: string;
  /** Set when the plan covers one part of the site only (`--only`); the rest was not planned. */
  only?: import('./parts.js').PlanPart;
  manifest?: string;
  releasePrefix?: string;
  phases: Phase[];
  /** Digest of every step digest, in order: the site's rendered digest. */
  digest: string;
}

export interface PlanInput {
  documents: import('../documents/types.js').RenderedDocument[];
  /** The site repository root: `local` chart locations are relative to it. */
  root: string;
  /** Each chart the manifest uses (by armada/Chart/v1 name), as the source stage fetched it. */
  charts: ReadonlyMap<string, import('../source/chart-sources.js').FetchedChart>;
  site?: string;
  /** Plan one part of the site only (parts.ts); default: the whole site. */
  only?: import('./parts.js').PlanPart;
}
