// SiteSet: many Sites from one template and generators, rolled out across the fleet in waves.
// Entry points: registerSiteSetController() (the controller, inside `slipway controller`)
// and reconcileSiteSet() (one pass); the pure deciding functions for tests and tools.
export { registerSiteSetController, type SiteSetController, type SiteSetControllerHost, type SiteSetControllerOptions } from "./controller.js";
export { reconcileSiteSet, Expectations, type SiteSetDeps, type SiteSetStore, type SiteSetWriter, type SiteSetResult } from "./reconcile.js";
export { generateSites, type DesiredSite, type Generated, type GeneratorProblem, type GitListing, type GitListingResult } from "./generate.js";
export { planSync, siteObject, ownerReference, type SyncPlan } from "./sync.js";
export { observeSite, type SiteObservation, type SitePhase } from "./observe.js";
export { planRollout, type RolloutInput, type RolloutPlan, type RolloutSite } from "./rollout.js";
export { assignWaves, matchesSelector, type Wave } from "./waves.js";
export { nextSiteSetStatus, statusChanged } from "./status.js";
export { gitLister, listSiteDefinitions, type GitLister } from "./git-generator.js";
export { kubeSiteSetWriter } from "./kube.js";
export { SPEC_DIGEST_ANNOTATION, FIELD_MANAGER } from "./constants.js";
