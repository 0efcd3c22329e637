// helm install: values through a 0600 temp file, the spec digest as a release label,
// --wait/--timeout per spec.wait (or Armada's own wait afterwards). No --atomic: the
// workflow decides about rollback and uninstall itself (../../diff/release-recovery.ts).
// Server-side apply, marked with a label (digest-label.ts): the API server checks every object
// against its schema then (an unknown field is refused), so Helm's own client-side check
// against the OpenAPI document (downloaded and parsed by every helm process: about half of an
// install's CPU) is switched off (./flags.ts serverSideArgs).
import type { HelmResult, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { DIGEST_LABEL, digestLabelValue, SERVER_SIDE_LABEL } from './digest-label.js';
import { helmTimeoutSeconds, serverSideArgs, waitArgs } from './flags.js';
import { finishWithOwnWait } from './own-wait.js';
import { withValuesFile } from './values-file.js';

export function installArgs(spec: ReleaseSpec, valuesFile: string): string[] {
  return [
    'install',
    spec.name,
    spec.chartPath,
    '--namespace',
    spec.namespace,
    '--create-namespace',
    '-f',
    valuesFile,
    '--labels',
    `${DIGEST_LABEL}=${digestLabelValue(spec.digest)},${SERVER_SIDE_LABEL}=true`,
    ...serverSideArgs(),
    ...waitArgs(spec),
  ];
}

export async function install(ctx: HelmActionContext, spec: ReleaseSpec): Promise<HelmResult> {
  const result = await withValuesFile(
    spec.values,
    (file) =>
      ctx.run({
        action: 'install',
        release: spec.name,
        namespace: spec.namespace,
        args: installArgs(spec, file),
        timeoutSeconds: helmTimeoutSeconds(spec),
      }),
    ctx.tmpRoot ? { tmpRoot: ctx.tmpRoot } : {},
  );
  return finishWithOwnWait(ctx, spec, result);
}
