// The real HelmDriver: the helm binary for actions (./run.ts), Helm's release Secrets
// for observation (./observer.ts), the Kubernetes API for drift (./drift.ts) and the
// revision stamp (./revision-stamp.ts). Kubernetes clients are created on first use.
import type { HelmDriver } from '../types.js';
import type { HelmActionContext } from './context.js';
import { deleteResources } from './delete-resources.js';
import { observeObjects, repairObjects } from './drift.js';
import { createDriftCache } from './drift-cache.js';
import { install } from './install.js';
import { createKubeClients, type KubeClients } from './kube.js';
import { createReleaseObserver } from './observer.js';
import { stampRevision } from './revision-stamp.js';
import { rollback } from './rollback.js';
import { createHelmRunner, type HelmOptions } from './run.js';
import { test } from './test.js';
import { uninstall } from './uninstall.js';
import { upgrade } from './upgrade.js';

export interface HelmDriverOptions extends HelmOptions {
  /** Parent of the private temp dirs holding values files (os.tmpdir() when omitted). */
  tmpRoot?: string;
  /** Poll interval of Armada-style waits and upgrade.pre.delete (default 2000 ms). */
  pollIntervalMs?: number;
}

export function createHelmDriver(options: HelmDriverOptions = {}): HelmDriver {
  let clients: KubeClients | undefined;
  const kube = () => (clients ??= createKubeClients(options));
  const ctx: HelmActionContext = { run: createHelmRunner(options), kube };
  if (options.tmpRoot) ctx.tmpRoot = options.tmpRoot;
  if (options.pollIntervalMs) ctx.pollIntervalMs = options.pollIntervalMs;
  const observer = createReleaseObserver(() => kube().core);
  const driftCache = createDriftCache();
  // An action changes the release: what the last list saw of it no longer answers.
  const acting = <T>(name: string, namespace: string, run: () => Promise<T>): Promise<T> => {
    observer.forget(name, namespace);
    return run().finally(() => observer.forget(name, namespace));
  };
  return {
    list: (namespaces) => observer.list(namespaces),
    values: (name, namespace) => observer.values(name, namespace),
    install: (spec) =>
      acting(spec.name, spec.namespace, async () => stampRevision(ctx, observer, await install(ctx, spec))),
    upgrade: (spec, current) =>
      acting(spec.name, spec.namespace, async () => stampRevision(ctx, observer, await upgrade(ctx, spec, current))),
    rollback: (name, namespace, revision, timeoutSeconds) =>
      acting(name, namespace, async () =>
        stampRevision(ctx, observer, await rollback(ctx, name, namespace, revision, timeoutSeconds)),
      ),
    uninstall: (name, namespace, timeoutSeconds) =>
      acting(name, namespace, () => uninstall(ctx, name, namespace, timeoutSeconds)),
    test: (spec) => test(ctx, observer, spec),
    deleteResources: (spec) => deleteResources(ctx, spec),
    objects: (name, namespace) => observeObjects(ctx, observer, name, namespace, driftCache),
    repair: (name, namespace, objects) => repairObjects(ctx, name, namespace, objects),
  };
}
