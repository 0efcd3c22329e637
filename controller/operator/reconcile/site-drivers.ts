// The drivers one Site is applied with, chosen through createDrivers (the one place that
// picks real or fake drivers):
//   helm   → the controller's cluster, or the cluster of spec.target.kubeconfigSecretRef,
//            whose kubeconfig is written to a private 0600 temp file for this reconcile only
//   ironic → spec.ironic.url (else the controller's --ironic-url), credentials from
//            spec.ironic.credentialsSecretRef in the Site's namespace (else the controller's)
// Drivers without per-reconcile files are cached, so an unchanged Site costs no set-up.

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDrivers } from '../../drivers/select.js';
import type { HelmDriver, IronicDriver } from '../../drivers/types.js';
import type { Site } from '../api/types.js';
import type { SourceReader } from '../source/types.js';
import type { SiteDrivers } from './types.js';

export interface SiteDriverOptions {
  /** The controller's own kubeconfig (undefined: in-cluster / default). */
  kubeconfigPath?: string | undefined;
  helmBinary?: string | undefined;
  ironic?: { url: string; username?: string | undefined; password?: string | undefined } | undefined;
  fake?: boolean;
  reader: SourceReader;
  tmpRoot?: string;
  /** Every Ironic request's method and duration (slipway_ironic_call_duration_seconds). */
  onIronicCall?: (method: string, seconds: number) => void;
  /**
   * The controller's shutdown: cancels Ironic requests in flight (a pass is safe to cut: the
   * operation goes on in Ironic and the next controller resumes it from status). Helm runs are
   * not given it: one already running is left to finish (driver-gate.ts), never left pending-*.
   */
  signal?: AbortSignal;
}

export function siteDriverFactory(options: SiteDriverOptions): (site: Site) => Promise<SiteDrivers> {
  const helmCache = new Map<string, HelmDriver>();
  const ironicCache = new Map<string, IronicDriver>();
  let fake: SiteDrivers | undefined;
  return async (site) => {
    if (options.fake) return (fake ??= createDrivers({ fake: true }));
    const namespace = site.metadata.namespace ?? 'default';
    const ironic = await ironicFor(site, namespace);
    const ref = site.spec.target?.kubeconfigSecretRef;
    if (!ref) {
      const helm = cached(
        helmCache,
        '',
        () => createDrivers({ kubeconfigPath: options.kubeconfigPath, helmBinary: options.helmBinary }).helm,
      );
      return { helm, ironic };
    }
    const data = await options.reader.readSecret(namespace, ref.name);
    if (!data) throw new Error(`Secret ${namespace}/${ref.name} (spec.target.kubeconfigSecretRef) not found`);
    const text = ref.key ? data[ref.key] : (data.value ?? data.kubeconfig);
    if (!text)
      throw new Error(
        `Secret ${namespace}/${ref.name} has no ${ref.key ? `'${ref.key}'` : "'value' or 'kubeconfig'"} key`,
      );
    const dir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'slipway-target-'));
    await chmod(dir, 0o700);
    const path = join(dir, 'kubeconfig');
    await writeFile(path, text, { mode: 0o600 });
    const { helm } = createDrivers({ kubeconfigPath: path, helmBinary: options.helmBinary });
    return { helm, ironic, release: () => rm(dir, { recursive: true, force: true }) };
  };

  async function ironicFor(site: Site, namespace: string): Promise<IronicDriver> {
    const url = site.spec.ironic?.url ?? options.ironic?.url;
    let username = options.ironic?.username;
    let password = options.ironic?.password;
    const credRef = site.spec.ironic?.credentialsSecretRef;
    if (credRef) {
      const data = await options.reader.readSecret(namespace, credRef.name);
      if (!data) throw new Error(`Secret ${namespace}/${credRef.name} (spec.ironic.credentialsSecretRef) not found`);
      [username, password] = [data.username, data.password];
    }
    const key = JSON.stringify([url, username, password, namespace]);
    return cached(
      ironicCache,
      key,
      () =>
        createDrivers({
          kubeconfigPath: options.kubeconfigPath,
          ironic: url ? { url, username, password } : undefined,
          secretNamespace: namespace,
          onIronicCall: options.onIronicCall,
          signal: options.signal,
        }).ironic,
    );
  }
}

function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) {
    v = make();
    if (map.size > 256) map.clear();
    map.set(key, v);
  }
  return v;
}
