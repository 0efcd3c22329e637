// The command-line options that say where the drivers connect, shared by apply and diff.

import type { DriverConfig } from '../drivers/select.js';
import { UsageError } from './args.js';

export const DRIVER_OPTIONS = {
  kubeconfig: { type: 'string' },
  'kube-context': { type: 'string' },
  'ironic-url': { type: 'string' },
  drivers: { type: 'string' },
} as const;

export const DRIVER_USAGE = '[--kube-context C] [--ironic-url U] [--drivers real|fake]';

export { FAKE_DRIVERS_WARNING } from '../drivers/fake-warning.js';

/** Flags first, then the environment (KUBECONFIG, IRONIC_URL, IRONIC_USERNAME, IRONIC_PASSWORD, HELM, SLIPWAY_DRIVERS). */
export function driverConfig(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): DriverConfig {
  const url = (values['ironic-url'] as string | undefined) ?? env.IRONIC_URL;
  if (url !== undefined) checkIronicUrl(url, values['ironic-url'] !== undefined ? '--ironic-url' : 'IRONIC_URL');
  return {
    signal,
    kubeconfigPath: (values.kubeconfig as string | undefined) ?? env.KUBECONFIG?.split(':')[0],
    kubeContext: values['kube-context'] as string | undefined,
    helmBinary: env.HELM,
    ironic: url ? { url, username: env.IRONIC_USERNAME, password: env.IRONIC_PASSWORD } : undefined,
    fake: driversMode(values, env) === 'fake',
  };
}

/** `--drivers real|fake`, else SLIPWAY_DRIVERS, else real. Anything else is a usage error. */
export function driversMode(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): 'real' | 'fake' {
  const fromFlag = values.drivers !== undefined;
  const mode = fromFlag ? values.drivers : (env.SLIPWAY_DRIVERS ?? 'real');
  if (mode === 'real' || mode === 'fake') return mode;
  throw new UsageError(`${fromFlag ? '--drivers' : 'SLIPWAY_DRIVERS'} must be real or fake, not '${String(mode)}'`);
}

/** An Ironic endpoint is an absolute http(s) URL without credentials; anything else is a usage error. */
export function checkIronicUrl(url: string, from: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${from} '${url}' is not a URL (expected e.g. http://ironic.example:6385)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`${from} must be an http:// or https:// URL, not ${parsed.protocol}//`);
  if (parsed.username || parsed.password)
    throw new UsageError(`${from} must not embed credentials: set IRONIC_USERNAME and IRONIC_PASSWORD`);
}

/** The drivers (helm, Ironic, the Kubernetes client) load only when a command needs them, after the site has planned: bad input is refused without loading them. */
export function loadDrivers(): Promise<typeof import('../drivers/select.js')> {
  return import('../drivers/select.js');
}
