// The operator's runtime machinery: what `slipway controller` runs the Site reconciler in.
// Entry point: startManager(). The rest is exported for tests and for wiring by hand.
export {
  startManager,
  ownKey,
  specOrMetadataChanged,
  type Manager,
  type ManagerOptions,
  type ManagerExit,
  type ManagerReconcileContext,
  type ManagerReconcileFn,
  type WatchSpec,
  type ResourceRef,
  type WatchEventKind,
  type MapContext,
  type LeaderElectionConfig,
} from "./manager.js";
export { runController, type ReconcileContext, type ReconcileOutcome, type ReconcileFn, type ControllerHandle } from "./controller.js";
export { createWorkQueue, type WorkQueue, type WorkQueueOptions } from "./workqueue.js";
export { watchResources, stripManagedFields, type Informer, type InformerHandlers, type InformerOptions, type ResourceTarget } from "./informer.js";
export { pathListWatch, collectionPath, KubeHttpError, type ListWatchSource, type WatchEvent } from "./kube-http.js";
export { startLeaderElection, apiLeaseStore, type LeaderElector, type LeaseStore, type LeaderElectionOptions } from "./leader-election.js";
export { createMetrics, type ControllerMetrics } from "./metrics.js";
export { startHealthServer, type HealthServer } from "./health.js";
export { createLogger, nullLogger, memoryLogger, redact, type Logger, type LogFields, type LogLevel } from "./log.js";
export { createEventRecorder, apiEventSink, type EventRecorder, type EventSink, type EventTarget } from "./events.js";
export { realClock, FakeClock, type Clock } from "./clock.js";
