// The real HelmDriver: the helm binary for actions (./run.ts), Helm's release Secrets
// for observation (./observer.ts). Kubernetes clients are created on first use.
import type { HelmDriver } from '../types.js';
import type { HelmActionContext } from './context.js';
import { deleteResources } from './delete-resources.js';
import { install } from './install.js';
import { createKubeClients, type KubeClients } from './kube.js';
import { createReleaseObserver } from './observer.js';
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
  return {
    list: (namespaces) => observer.list(namespaces),
    values: (name, namespace) => observer.values(name, namespace),
    install: (spec) => install(ctx, spec),
    upgrade: (spec) => upgrade(ctx, spec),
    rollback: (name, namespace, revision, timeoutSeconds) => rollback(ctx, name, namespace, revision, timeoutSeconds),
    uninstall: (name, namespace, timeoutSeconds) => uninstall(ctx, name, namespace, timeoutSeconds),
    test: (spec) => test(ctx, spec),
    deleteResources: (spec) => deleteResources(ctx, spec),
  };
}
