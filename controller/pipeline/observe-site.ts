// What exists now, as the drivers see it: the releases in the site's namespaces and the
// Ironic nodes. One list call per driver; no helm process.

import type { Observed } from '../diff/types.js';
import type { Drivers } from '../execute/types.js';
import type { Workflow } from '../plan/types.js';

export async function observeSite(
  workflow: Workflow,
  drivers: Drivers,
  options: { prune?: boolean } = {},
): Promise<Observed> {
  const steps = workflow.phases.flatMap((p) => p.steps);
  const namespaces = [...new Set(steps.flatMap((s) => (s.kind === 'release' ? [s.spec.namespace] : [])))];
  const wantNodes = options.prune || steps.some((s) => s.kind === 'node');
  const [releases, nodes] = await Promise.all([
    namespaces.length || options.prune
      ? drivers.helm.list(options.prune ? undefined : namespaces)
      : Promise.resolve([]),
    wantNodes ? drivers.ironic.list() : Promise.resolve([]),
  ]);
  return { releases, nodes };
}
