// slipway controller: the Kubernetes operator (operator/controller-process.ts). This file only
// turns the flags into its options.

import { runControllerProcess } from '../../operator/controller-process.js';
import { parseDuration } from '../../operator/reconcile/duration.js';
import { shardKeyProblem, watchSelector } from '../../operator/sharding.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';
import { driversMode } from '../driver-options.js';

export const usage =
  'slipway controller [--kubeconfig P] [--namespace NS] [--leader-elect] [--leader-election-namespace NS] [--leader-election-id NAME] ' +
  '[--metrics-bind-address :8080] [--health-probe-bind-address :8081] [--workers N] [--ironic-url U] [--inline-root DIR] [--git-cache-dir DIR] ' +
  '[--graceful-shutdown-timeout 10m] [--drift-interval 10m] [--drivers real|fake] [--shard KEY] [--watch-label-selector SEL]';

export async function controllerCommand(argv: string[], _io: CommandIO): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'leader-elect': { type: 'boolean', default: false },
      'leader-election-namespace': { type: 'string' },
      'leader-election-id': { type: 'string', default: 'slipway-controller' },
      'metrics-bind-address': { type: 'string', default: ':8080' },
      'health-probe-bind-address': { type: 'string', default: ':8081' },
      workers: { type: 'string', default: '4' },
      'ironic-url': { type: 'string' },
      'inline-root': { type: 'string' },
      'git-cache-dir': { type: 'string' },
      'graceful-shutdown-timeout': { type: 'string', default: '10m' },
      'drift-interval': { type: 'string', default: '10m' },
      drivers: { type: 'string' },
      shard: { type: 'string' },
      'watch-label-selector': { type: 'string' },
    },
    usage,
    0,
  );
  const env = process.env;
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers must be a positive integer\nusage: ${usage}`);
  const shutdownMs = parseDuration(values['graceful-shutdown-timeout'] as string);
  const driftMs = parseDuration(values['drift-interval'] as string);
  if (shutdownMs === undefined || driftMs === undefined)
    throw new UsageError(`durations are written like 30s, 10m, 1h\nusage: ${usage}`);
  const shard = values.shard as string | undefined;
  const shardProblem = shard === undefined ? undefined : shardKeyProblem(shard);
  if (shardProblem) throw new UsageError(`--shard: ${shardProblem}\nusage: ${usage}`);
  const selector = watchSelector({
    ...(shard ? { shard } : {}),
    ...(values['watch-label-selector'] ? { labelSelector: values['watch-label-selector'] as string } : {}),
  });
  const kubeconfig = (values.kubeconfig as string | undefined) ?? env.KUBECONFIG?.split(':')[0];
  const namespace = values.namespace as string | undefined;
  const ironicUrl = (values['ironic-url'] as string | undefined) ?? env.IRONIC_URL;
  return runControllerProcess({
    kubeconfig,
    namespace,
    leaderElection: values['leader-elect']
      ? {
          namespace:
            (values['leader-election-namespace'] as string | undefined) ?? namespace ?? env.POD_NAMESPACE ?? 'default',
          id: values['leader-election-id'] as string,
        }
      : undefined,
    metricsBindAddress: values['metrics-bind-address'] as string,
    healthBindAddress: values['health-probe-bind-address'] as string,
    workers,
    shutdownTimeoutMs: shutdownMs,
    driftIntervalMs: driftMs,
    ironic: ironicUrl ? { url: ironicUrl, username: env.IRONIC_USERNAME, password: env.IRONIC_PASSWORD } : undefined,
    helmBinary: env.HELM,
    inlineRoot: values['inline-root'] as string | undefined,
    gitCacheDir: values['git-cache-dir'] as string | undefined,
    fakeDrivers: driversMode(values, env) === 'fake',
    shard,
    labelSelector: selector,
  });
}
