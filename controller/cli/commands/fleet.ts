// slipway fleet status [--namespace NS] [-o text|json] [--kubeconfig P]
// Per SiteSet, per wave and per Site: revision, state, duration, read from the API server.
// Exit 0; 1 when a SiteSet is Stalled (its failing Sites are named); 3 on bad usage.

import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { fleetStatusView, formatFleetStatus } from '../../fleet/siteset/fleet-status.js';
import { SITESET_PLURAL, type SiteSet } from '../../operator/api/siteset-types.js';
import { GROUP, VERSION } from '../../operator/api/types.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';
import { EXIT } from '../exit-codes.js';

export const usage = 'slipway fleet status [--namespace NS | -A] [-o text|json] [--kubeconfig PATH]';

export async function fleetCommand(argv: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'status') throw new UsageError(`unknown subcommand '${sub ?? ''}'\nusage: ${usage}`);
  const { values } = parseCommand(
    rest,
    {
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A', default: false },
      output: { type: 'string', short: 'o', default: 'text' },
      kubeconfig: { type: 'string' },
    },
    usage,
    0,
  );
  const output = values.output as string;
  if (output !== 'text' && output !== 'json') throw new UsageError(`-o must be text or json\nusage: ${usage}`);
  const kc = new KubeConfig();
  const path = (values.kubeconfig as string | undefined) ?? process.env.KUBECONFIG?.split(':')[0];
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  const api = kc.makeApiClient(CustomObjectsApi);
  const namespace = values['all-namespaces'] ? undefined : ((values.namespace as string | undefined) ?? undefined);
  let items: SiteSet[];
  try {
    const list = (
      namespace
        ? await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: SITESET_PLURAL, namespace })
        : await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: SITESET_PLURAL })
    ) as { items?: SiteSet[] };
    items = list.items ?? [];
  } catch (e) {
    io.stderr(`slipway fleet status: listing SiteSets failed: ${(e as Error).message}\n`);
    return EXIT.failed;
  }
  const views = fleetStatusView(items, new Date());
  io.stdout(output === 'json' ? `${JSON.stringify({ siteSets: views }, null, 2)}\n` : formatFleetStatus(views));
  return views.some((v) => v.rollout?.state === 'Stalled') ? EXIT.failed : EXIT.ok;
}
