// reconcile: one Site from its source to applied releases and nodes, with status as it goes.
export { reconcileSite } from "./reconciler.js";
export type { EventRecorder, ReconcileDeps, ReconcileResult, SiteClient, SiteDrivers } from "./types.js";
export { nextConditions, condition, type Outcome } from "./conditions.js";
export { completedSteps, startWorkflowStatus, applyStepEvent, readyCounts } from "./progress.js";
export { planDocuments } from "../../pipeline/plan-documents.js";
export { deletionTargets } from "./delete.js";
export { parseDuration } from "./duration.js";
