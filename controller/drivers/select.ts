// The one place that chooses the drivers: the real helm binary and Ironic REST API, or the
// in-memory fakes (SLIPWAY_DRIVERS=fake, for demos and unit tests of the commands).

import type { Drivers } from '../execute/types.js';
import { createHelmDriver } from './helm/driver.js';
import { createFakeHelmDriver } from './helm/fake.js';
import { createKubeClients } from './helm/kube.js';
import { createIronicDriver } from './ironic/driver.js';
import { createFakeIronicDriver } from './ironic/fake.js';
import type { BmcCredentials, IronicDriver } from './types.js';

export { FAKE_DRIVERS_WARNING } from './fake-warning.js';

export interface DriverConfig {
  kubeconfigPath?: string | undefined;
  kubeContext?: string | undefined;
  helmBinary?: string | undefined;
  ironic?: { url: string; username?: string | undefined; password?: string | undefined } | undefined;
  /** Namespace of credentialsSecretRef Secrets that name none. */
  secretNamespace?: string | undefined;
  /** Called after every Ironic API request with its method and duration (metrics). */
  onIronicCall?: ((method: string, seconds: number) => void) | undefined;
  fake?: boolean;
  /** Aborted when the run must stop (a fatal error): every driver call in flight is cancelled. */
  signal?: AbortSignal | undefined;
}

export function createDrivers(config: DriverConfig): Drivers {
  if (config.fake) return { helm: createFakeHelmDriver(), ironic: createFakeIronicDriver() };
  const kube = { kubeconfigPath: config.kubeconfigPath, kubeContext: config.kubeContext };
  const helm = createHelmDriver({
    ...defined(kube),
    ...defined({ helmBinary: config.helmBinary, signal: config.signal }),
  });
  const ironic = config.ironic
    ? createIronicDriver({
        url: config.ironic.url,
        ...defined({ username: config.ironic.username, password: config.ironic.password, signal: config.signal }),
        resolveCredentials: secretCredentials(kube, config.secretNamespace ?? 'default'),
        ...(config.onIronicCall ? { fetch: timedFetch(config.onIronicCall) } : {}),
      })
    : missingIronic();
  return { helm, ironic };
}

/** Reads `username` and `password` of a Kubernetes Secret; the values never leave this function's result. */
function secretCredentials(
  kube: { kubeconfigPath?: string | undefined; kubeContext?: string | undefined },
  defaultNamespace: string,
) {
  return async (ref: { name: string; namespace?: string }): Promise<BmcCredentials> => {
    const { core } = createKubeClients(defined(kube));
    const namespace = ref.namespace ?? defaultNamespace;
    const secret = await core.readNamespacedSecret({ name: ref.name, namespace });
    const read = (k: string) => {
      const v = secret.data?.[k];
      if (!v) throw new Error(`Secret ${namespace}/${ref.name} has no '${k}' key`);
      return Buffer.from(v, 'base64').toString('utf8');
    };
    return { username: read('username'), password: read('password') };
  };
}

/** fetch, reporting each request's method and duration. */
function timedFetch(report: (method: string, seconds: number) => void) {
  return async (input: string, init: RequestInit): Promise<Response> => {
    const t0 = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      report(init.method ?? 'GET', (performance.now() - t0) / 1000);
    }
  };
}

function missingIronic(): IronicDriver {
  const fail = async (): Promise<never> => {
    throw new Error('this site has bare-metal nodes but no Ironic endpoint: pass --ironic-url or set IRONIC_URL');
  };
  return { list: fail, ensure: fail, remove: fail, pass: fail };
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
