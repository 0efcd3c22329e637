// helm upgrade: like install, plus --reset-values so the release holds exactly the
// spec's values (helm would otherwise reuse the last release's values when the file is
// empty). The new digest label replaces the old one (helm merges custom labels).
// upgrade.pre.delete is a separate step (./delete-resources.ts) the workflow runs first.
import type { HelmResult, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { DIGEST_LABEL, digestLabelValue } from './digest-label.js';
import { helmTimeoutSeconds, waitArgs } from './flags.js';
import { finishWithOwnWait } from './own-wait.js';
import { withValuesFile } from './values-file.js';

export function upgradeArgs(spec: ReleaseSpec, valuesFile: string): string[] {
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
    ...waitArgs(spec),
  ];
}

export async function upgrade(ctx: HelmActionContext, spec: ReleaseSpec): Promise<HelmResult> {
  const result = await withValuesFile(
    spec.values,
    (file) =>
      ctx.run({
        action: 'upgrade',
        release: spec.name,
        namespace: spec.namespace,
        args: upgradeArgs(spec, file),
        timeoutSeconds: helmTimeoutSeconds(spec),
      }),
    ctx.tmpRoot ? { tmpRoot: ctx.tmpRoot } : {},
  );
  return finishWithOwnWait(ctx, spec, result);
}
