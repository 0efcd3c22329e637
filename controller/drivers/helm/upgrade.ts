// helm upgrade: like install, plus --reset-values so the release holds exactly the
// spec's values (helm would otherwise reuse the last release's values when the file is
// empty). The new digest label replaces the old one (helm merges custom labels).
// upgrade.pre.delete is a separate step (./delete-resources.ts) the workflow runs first.
// A release Slipway installed (server-side, labelled) stays server-side without Helm's
// client-side OpenAPI check, as install has it; any other keeps Helm's defaults.
import type { HelmResult, ObservedRelease, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { DIGEST_LABEL, digestLabelValue } from './digest-label.js';
import { helmTimeoutSeconds, serverSideArgs, waitArgs } from './flags.js';
import { finishWithOwnWait } from './own-wait.js';
import { withValuesFile } from './values-file.js';

export function upgradeArgs(spec: ReleaseSpec, valuesFile: string, current?: ObservedRelease): string[] {
  return [
    'upgrade',
    spec.name,
    spec.chartPath,
    '--namespace',
    spec.namespace,
    '--reset-values',
    '-f',
    valuesFile,
    '--labels',
    `${DIGEST_LABEL}=${digestLabelValue(spec.digest)}`,
    ...(current?.serverSide ? serverSideArgs() : []),
    ...waitArgs(spec),
  ];
}

export async function upgrade(
  ctx: HelmActionContext,
  spec: ReleaseSpec,
  current?: ObservedRelease,
): Promise<HelmResult> {
  const result = await withValuesFile(
    spec.values,
    (file) =>
      ctx.run({
        action: 'upgrade',
        release: spec.name,
        namespace: spec.namespace,
        args: upgradeArgs(spec, file, current),
        timeoutSeconds: helmTimeoutSeconds(spec),
      }),
    ctx.tmpRoot ? { tmpRoot: ctx.tmpRoot } : {},
  );
  return finishWithOwnWait(ctx, spec, result);
}
