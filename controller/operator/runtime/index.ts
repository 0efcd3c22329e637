// The operator's runtime machinery: what `slipway controller` runs the Site reconciler in.
// Entry point: createManager() (or startManager()). The rest is exported for tests and for wiring by hand.

export {
  type CacheTarget,
  createSharedCache,
  type ResourceHandle,
  type SharedCache,
  type SharedCacheOptions,
} from './cache.js';
export { type Clock, FakeClock, realClock } from './clock.js';
export {
  type ControllerHandle,
  type ReconcileContext,
  type ReconcileFn,
  type ReconcileOutcome,
  runController,
} from './controller.js';
export { apiEventSink, createEventRecorder, type EventRecorder, type EventSink, type EventTarget } from './events.js';
export { type HealthServer, startHealthServer } from './health.js';
export {
  type Informer,
  type InformerHandlers,
  type InformerOptions,
  type ResourceTarget,
  stripManagedFields,
  watchResources,
} from './informer.js';
export { collectionPath, KubeHttpError, type ListWatchSource, pathListWatch, type WatchEvent } from './kube-http.js';
export {
  apiLeaseStore,
  type LeaderElectionOptions,
  type LeaderElector,
  type LeaseStore,
  startLeaderElection,
} from './leader-election.js';
export { createLogger, type LogFields, type Logger, type LogLevel, memoryLogger, nullLogger, redact } from './log.js';
export {
  type ControllerSpec,
  createManager,
  type HostedController,
  type LeaderElectionConfig,
  type Manager,
  type ManagerExit,
  type ManagerOptions,
  type ManagerReconcileContext,
  type ManagerReconcileFn,
  type MapContext,
  ownKey,
  type ResourceRef,
  specOrMetadataChanged,
  startManager,
  type WatchEventKind,
  type WatchSpec,
} from './manager.js';
export { type ControllerMetrics, createMetrics } from './metrics.js';
export { createWorkQueue, type WorkQueue, type WorkQueueOptions } from './workqueue.js';
