// A gate in front of the drivers for one apply: once the Site's timeout has passed or the
// controller is shutting down, no new helm or Ironic action starts (it fails at once with
// the reason); actions already running are left to finish, so no release is left pending-*
// by us. Reads (list, values) always pass.

import type { JsonObject } from '../../documents/types.js';
import type { HelmDriver, HelmResult, IronicDriver, NodeResult, ReleaseSpec } from '../../drivers/types.js';
import type { Drivers } from '../../execute/types.js';

export interface GateOptions {
  /** Epoch ms after which no new action starts. */
  deadline?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** Called with every helm run's result (metrics). */
  onHelmResult?: (result: HelmResult) => void;
}

export function gateDrivers(drivers: Drivers, options: GateOptions): Drivers {
  const now = options.now ?? Date.now;
  const closed = (): string | undefined => {
    if (options.signal?.aborted) return 'the controller is shutting down';
    if (options.deadline !== undefined && now() >= options.deadline)
      return "the Site's timeout was reached before this action could start";
    return undefined;
  };
  const h = drivers.helm;
  const helmGate =
    <A extends unknown[]>(
      action: HelmResult['action'],
      fn: (...a: A) => Promise<HelmResult>,
      who: (...a: A) => [string, string],
    ) =>
    async (...a: A): Promise<HelmResult> => {
      const why = closed();
      if (!why) {
        const r = await fn(...a);
        options.onHelmResult?.(r);
        return r;
      }
      const [release, namespace] = who(...a);
      return { ok: false, action, release, namespace, exitCode: -1, message: why, durationMs: 0 };
    };
  const spec = (s: { name: string; namespace: string }): [string, string] => [s.name, s.namespace];
  const helm: HelmDriver = {
    list: (ns) => h.list(ns),
    values: (n, ns) => h.values(n, ns),
    objects: (n, ns) => h.objects(n, ns),
    repair: helmGate(
      'repair',
      (n: string, ns: string, o: JsonObject[]) => h.repair(n, ns, o),
      (n, ns) => [n, ns],
    ),
    install: helmGate('install', (s: ReleaseSpec) => h.install(s), spec),
    upgrade: helmGate('upgrade', (s: ReleaseSpec) => h.upgrade(s), spec),
    test: helmGate('test', (s: ReleaseSpec) => h.test(s), spec),
    deleteResources: helmGate('delete-resources', (s: ReleaseSpec) => h.deleteResources(s), spec),
    rollback: helmGate(
      'rollback',
      (n: string, ns: string, r: number, t: number) => h.rollback(n, ns, r, t),
      (n, ns) => [n, ns],
    ),
    uninstall: helmGate(
      'uninstall',
      (n: string, ns: string, t: number) => h.uninstall(n, ns, t),
      (n, ns) => [n, ns],
    ),
  };
  const i = drivers.ironic;
  const refuse = async (): Promise<NodeResult | undefined> => {
    const why = closed();
    return why ? { kind: 'error', message: why, retryable: true } : undefined;
  };
  const ironic: IronicDriver = {
    list: () => i.list(),
    ensure: async (s, p) => (await refuse()) ?? i.ensure(s, p),
    remove: async (n, p) => (await refuse()) ?? i.remove(n, p),
    // A pass that checks an operation already started passes (it only reads, unless the
    // operation's next action is due); a first pass is an action starting: gated.
    pass: async (s, op, c, p) => (c ? undefined : await refuse()) ?? i.pass(s, op, c, p),
  };
  return { helm, ironic };
}
