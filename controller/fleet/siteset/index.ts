// SiteSet: many Sites from one template and generators, rolled out across the fleet in waves.
// Entry points: registerSiteSetController() (the controller, inside `slipway controller`)
// and reconcileSiteSet() (one pass); the pure deciding functions for tests and tools.

export { FIELD_MANAGER, SPEC_DIGEST_ANNOTATION } from './constants.js';
export {
  registerSiteSetController,
  type SiteSetController,
  type SiteSetControllerHost,
  type SiteSetControllerOptions,
} from './controller.js';
export {
  type DesiredSite,
  type Generated,
  type GeneratorProblem,
  type GitListing,
  type GitListingResult,
  generateSites,
} from './generate.js';
export { type GitLister, gitLister, listSiteDefinitions } from './git-generator.js';
export { kubeSiteSetWriter } from './kube.js';
export { observeSite, type SiteObservation, type SitePhase } from './observe.js';
export {
  Expectations,
  reconcileSiteSet,
  type SiteSetDeps,
  type SiteSetResult,
  type SiteSetStore,
  type SiteSetWriter,
} from './reconcile.js';
export { planRollout, type RolloutInput, type RolloutPlan, type RolloutSite } from './rollout.js';
export { nextSiteSetStatus, statusChanged } from './status.js';
export { ownerReference, planSync, type SyncPlan, siteObject } from './sync.js';
export { assignWaves, matchesSelector, type Wave } from './waves.js';
