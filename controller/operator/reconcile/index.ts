// reconcile: one Site from its source to applied releases and nodes, with status as it goes.

export { planDocuments } from '../../pipeline/plan-documents.js';
export { condition, nextConditions, type Outcome } from './conditions.js';
export { deletionTargets } from './delete.js';
export { parseDuration } from './duration.js';
export { applyStepEvent, completedSteps, readyCounts, startWorkflowStatus } from './progress.js';
export { reconcileSite } from './reconciler.js';
export type { EventRecorder, ReconcileDeps, ReconcileResult, SiteClient, SiteDrivers } from './types.js';
