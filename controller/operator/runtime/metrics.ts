// The controller's Prometheus metrics, in their own prom-client Registry (no global
// state: tests and two managers in one process do not collide). controller-runtime's
// names and labels where they exist, so its dashboards and alerts work unchanged:
//   controller_runtime_reconcile_total{controller,result}     success|error|requeue|requeue_after
//   controller_runtime_reconcile_errors_total{controller}
//   controller_runtime_reconcile_time_seconds{controller}
//   controller_runtime_max_concurrent_reconciles{controller}
//   controller_runtime_active_workers{controller}
//   workqueue_depth / _adds_total / _queue_duration_seconds / _work_duration_seconds /
//   _retries_total / _unfinished_work_seconds / _longest_running_processor_seconds {name,controller}
//   leader_election_master_status{name}
// and Slipway's own:
//   slipway_steps_total{state}, slipway_helm_call_duration_seconds{action},
//   slipway_ironic_call_duration_seconds{method}, slipway_sites{condition}
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueMetricsSink } from './workqueue.js';

export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface ControllerMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly workqueueDepth: Gauge<'name' | 'controller'>;
  readonly workqueueAdds: Counter<'name' | 'controller'>;
  readonly workqueueQueueDuration: Histogram<'name' | 'controller'>;
  readonly workqueueWorkDuration: Histogram<'name' | 'controller'>;
  readonly workqueueRetries: Counter<'name' | 'controller'>;
  readonly workqueueUnfinishedWork: Gauge<'name' | 'controller'>;
  readonly workqueueLongestRunning: Gauge<'name' | 'controller'>;
  readonly leaderStatus: Gauge<'name'>;
  /** Workflow steps finished, by their final state (Succeeded, Failed, Unchanged, …). */
  readonly steps: Counter<'state'>;
  readonly helmCallDuration: Histogram<'action'>;
  readonly ironicCallDuration: Histogram<'method'>;
  /** Sites by condition (Ready, Reconciling, Stalled, …): set by the reconciler. */
  readonly sites: Gauge<'condition'>;
  /** The work queue's sink for a queue named `name` (labels name=controller=name). */
  queueSink(name: string): QueueMetricsSink;
  /** Prometheus text exposition of the whole registry. */
  text(): Promise<string>;
}

export interface MetricsOptions {
  /** Also collect Node process metrics (process_*, nodejs_*). Default true. */
  processMetrics?: boolean;
}

// Reconciles run from milliseconds (unchanged Site) to tens of minutes (a full apply).
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
// controller-runtime: ExponentialBuckets(10e-9, 10, 12) → 1e-8 s … 1000 s.
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));
const CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export function createMetrics(options: MetricsOptions = {}): ControllerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const maxConcurrentReconciles = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const workqueueDepth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller'] as const,
    registers,
  });
  const workqueueAdds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers,
  });
  const workqueueQueueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'] as const,
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const workqueueWorkDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'] as const,
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const workqueueRetries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers,
  });
  const inFlight = new Map<string, () => number[]>();
  const workqueueUnfinishedWork = new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads.",
    labelNames: ['name', 'controller'] as const,
    registers,
    collect() {
      for (const [name, running] of inFlight)
        this.set(
          { name, controller: name },
          running().reduce((a, b) => a + b, 0),
        );
    },
  });
  const workqueueLongestRunning = new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames: ['name', 'controller'] as const,
    registers,
    collect() {
      for (const [name, running] of inFlight) this.set({ name, controller: name }, Math.max(0, ...running()));
    },
  });
  const leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease.",
    labelNames: ['name'] as const,
    registers,
  });
  const steps = new Counter({
    name: 'slipway_steps_total',
    help: 'Workflow steps finished, by final state',
    labelNames: ['state'] as const,
    registers,
  });
  const helmCallDuration = new Histogram({
    name: 'slipway_helm_call_duration_seconds',
    help: 'Duration of helm invocations, by action',
    labelNames: ['action'] as const,
    buckets: CALL_BUCKETS,
    registers,
  });
  const ironicCallDuration = new Histogram({
    name: 'slipway_ironic_call_duration_seconds',
    help: 'Duration of Ironic API calls, by HTTP method',
    labelNames: ['method'] as const,
    buckets: CALL_BUCKETS,
    registers,
  });
  const sites = new Gauge({
    name: 'slipway_sites',
    help: 'Number of Sites whose condition is True, by condition type',
    labelNames: ['condition'] as const,
    registers,
  });

  return {
    registry,
    reconcileTotal,
    reconcileErrors,
    reconcileTime,
    maxConcurrentReconciles,
    activeWorkers,
    workqueueDepth,
    workqueueAdds,
    workqueueQueueDuration,
    workqueueWorkDuration,
    workqueueRetries,
    workqueueUnfinishedWork,
    workqueueLongestRunning,
    leaderStatus,
    steps,
    helmCallDuration,
    ironicCallDuration,
    sites,
    queueSink(name) {
      const labels = { name, controller: name };
      workqueueDepth.set(labels, 0);
      workqueueAdds.inc(labels, 0);
      workqueueRetries.inc(labels, 0);
      return {
        added: () => workqueueAdds.inc(labels),
        depth: (n) => workqueueDepth.set(labels, n),
        queued: (s) => workqueueQueueDuration.observe(labels, s),
        worked: (s) => workqueueWorkDuration.observe(labels, s),
        retried: () => workqueueRetries.inc(labels),
        inFlight: (running) => void inFlight.set(name, running),
      };
    },
    text: () => registry.metrics(),
  };
}
