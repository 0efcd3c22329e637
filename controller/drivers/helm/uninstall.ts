// helm uninstall, waiting for the resources to go; a release that is already gone is a
// success (--ignore-not-found), so recovery can uninstall without checking first.
import type { HelmResult } from '../types.js';
import type { HelmActionContext } from './context.js';
import { seconds } from './flags.js';

export function uninstallArgs(name: string, namespace: string, timeoutSeconds: number): string[] {
  return [
    'uninstall',
    name,
    '--namespace',
    namespace,
    '--ignore-not-found',
    '--wait',
    '--timeout',
    seconds(timeoutSeconds),
  ];
}

export function uninstall(
  ctx: HelmActionContext,
  name: string,
  namespace: string,
  timeoutSeconds: number,
): Promise<HelmResult> {
  return ctx.run({
    action: 'uninstall',
    release: name,
    namespace,
    args: uninstallArgs(name, namespace, timeoutSeconds),
    timeoutSeconds,
  });
}
