// `slipway controller` as a process: build the drivers and deps, create one manager (shared
// informer cache, leader election, /metrics, /healthz, /readyz), register the Site controller and
// the SiteSet controller on it, start it, wait for it to stop. The CLI only turns flags into
// these options (cli/commands/controller.ts).

import { KubeConfig } from '@kubernetes/client-node';
import { FAKE_DRIVERS_WARNING } from '../drivers/select.js';
import { registerSiteSetController } from '../fleet/siteset/controller.js';
import { kubeSiteClient, kubeSourceReader } from './reconcile/kube.js';
import { shareKubeAgents } from './reconcile/shared-agents.js';
import { siteDriverFactory } from './reconcile/site-drivers.js';
import { warmUp } from './reconcile/warm-up.js';
import { realClock } from './runtime/clock.js';
import { createLogger } from './runtime/log.js';
import { createManager } from './runtime/manager.js';
import { createMetrics } from './runtime/metrics.js';
import { leaseName } from './sharding.js';
import { registerSiteController, type SiteControllerOptions } from './site-controller.js';
import { fetchSiteSource } from './source/index.js';

export interface ControllerProcessOptions {
  kubeconfig?: string | undefined;
  /** Watch one namespace only (default: all). */
  namespace?: string | undefined;
  /** A Lease per (id, shard); absent: no election. */
  leaderElection?: { namespace: string; id: string } | undefined;
  metricsBindAddress: string;
  healthBindAddress: string;
  workers: number;
  shutdownTimeoutMs: number;
  driftIntervalMs: number;
  ironic?: { url: string; username?: string | undefined; password?: string | undefined } | undefined;
  helmBinary?: string | undefined;
  inlineRoot?: string | undefined;
  gitCacheDir?: string | undefined;
  /** In-memory fakes instead of helm and Ironic: logged as a warning and written into every status. */
  fakeDrivers: boolean;
  /** This process's shard key (operator/sharding.ts). */
  shard?: string | undefined;
  /** The label selector of the Sites and SiteSets this process reconciles. */
  labelSelector?: string | undefined;
}

/** Runs until the manager stops (SIGTERM, lost Lease); resolves to the exit code. */
export async function runControllerProcess(o: ControllerProcessOptions): Promise<number> {
  const log = createLogger({ fields: { logger: 'slipway-controller', ...(o.shard ? { shard: o.shard } : {}) } });
  const metrics = createMetrics();
  if (o.fakeDrivers) log.warn(FAKE_DRIVERS_WARNING.replace(/^warning: /, ''), { drivers: 'fake' });

  // SIGTERM: no new helm/Ironic action starts from now on; running ones finish (the
  // manager waits for the reconciles up to the graceful shutdown timeout).
  const shutdown = new AbortController();
  // A lasting listener (not `once`): signal-exit, which execa loads to kill its children on
  // exit, re-raises SIGTERM and kills the helm processes when it finds itself the only
  // listener left, and `once` listeners are removed before they run.
  const onSignal = () => shutdown.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  shareKubeAgents();
  const kc = new KubeConfig();
  if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
  else kc.loadFromDefault();
  const reader = kubeSourceReader(kc);
  const sites: SiteControllerOptions = {
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
    workers: o.workers,
    deps: {
      sites: kubeSiteClient(kc),
      fetchSource: (site, f) =>
        fetchSiteSource(site, {
          reader,
          ...(o.inlineRoot ? { inlineRoot: o.inlineRoot } : {}),
          ...(o.gitCacheDir ? { git: { cacheDir: o.gitCacheDir } } : {}),
          ...(f?.commit ? { commit: f.commit } : {}),
        }),
      drivers: siteDriverFactory({
        kubeconfigPath: o.kubeconfig,
        helmBinary: o.helmBinary,
        ironic: o.ironic,
        fake: o.fakeDrivers,
        reader,
        onIronicCall: (method, seconds) => metrics.ironicCallDuration.observe({ method }, seconds),
        signal: shutdown.signal,
      }),
      readSecret: (ns, name) => reader.readSecret(ns, name),
      clock: realClock,
      shutdown: shutdown.signal,
      driftIntervalMs: o.driftIntervalMs,
      ...(o.fakeDrivers ? { fakeDrivers: true } : {}),
    },
  };

  const warmUpMs = await warmUp().catch(() => -1);
  log.debug('pipeline warmed up', { durationMs: Math.round(warmUpMs) });

  const manager = createManager({
    kubeconfig: kc,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.leaderElection
      ? { leaderElection: { namespace: o.leaderElection.namespace, name: leaseName(o.leaderElection.id, o.shard) } }
      : {}),
    metricsBindAddress: o.metricsBindAddress,
    healthBindAddress: o.healthBindAddress,
    workers: o.workers,
    log,
    metrics,
    shutdownTimeoutMs: o.shutdownTimeoutMs,
  });
  registerSiteController(manager, sites);
  registerSiteSetController(manager, {
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
    ...(o.gitCacheDir ? { gitCacheDir: o.gitCacheDir } : {}),
  });
  await manager.start();
  const exit = await manager.done;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return exit.code;
}
