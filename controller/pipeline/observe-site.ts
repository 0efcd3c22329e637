// What exists now, as the drivers see it: the releases in the site's namespaces and the
// Ironic nodes (one list call per driver; no helm process), and, unless drift detection is
// disabled, the manifest objects of every planned release that Helm has deployed with the
// planned digest beside the live ones (the only releases whose drift decides anything).

import PQueue from 'p-queue';
import { DEFAULT_DRIFT_DETECTION } from '../diff/index.js';
import type { DriftDetection, Observed } from '../diff/types.js';
import { digestMatches } from '../drivers/helm/digest-label.js';
import type { ObservedObject } from '../drivers/types.js';
import type { Drivers } from '../execute/types.js';
import type { Workflow } from '../plan/types.js';

export async function observeSite(
  workflow: Workflow,
  drivers: Drivers,
  options: { prune?: boolean; driftDetection?: DriftDetection } = {},
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
  const observed: Observed = { releases, nodes };
  if ((options.driftDetection ?? DEFAULT_DRIFT_DETECTION) === 'disabled') return observed;
  const byKey = new Map(releases.map((r) => [`${r.namespace}/${r.name}`, r]));
  const queue = new PQueue({ concurrency: 8 });
  const objects = new Map<string, ObservedObject[]>();
  await Promise.all(
    steps.flatMap((s) => {
      if (s.kind !== 'release') return [];
      const key = `${s.spec.namespace}/${s.spec.name}`;
      const r = byKey.get(key);
      if (r?.status !== 'deployed' || !digestMatches(r.digest, s.spec.digest)) return [];
      return [
        queue.add(async () => {
          objects.set(key, await drivers.helm.objects(s.spec.name, s.spec.namespace));
        }),
      ];
    }),
  );
  observed.objects = objects;
  return observed;
}
