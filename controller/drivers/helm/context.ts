// What every action file gets: the helm runner and (lazily) the Kubernetes clients.
import type { KubeClients } from './kube.js';
import type { HelmRunner } from './run.js';

export interface HelmActionContext {
  run: HelmRunner;
  kube: () => KubeClients;
  /** Parent of the private temp dirs holding values files (os.tmpdir() when omitted). */
  tmpRoot?: string;
  /** Poll interval of Armada-style waits and of upgrade.pre.delete (default 2000 ms). */
  pollIntervalMs?: number;
}
