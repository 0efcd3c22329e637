// helm test (Armada `test.enabled`, `test.timeout`), run by the workflow after an
// install or upgrade.
import type { HelmResult, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { seconds } from './flags.js';

export function testArgs(spec: ReleaseSpec): string[] {
  return ['test', spec.name, '--namespace', spec.namespace, '--timeout', seconds(spec.test.timeoutSeconds)];
}

export function test(ctx: HelmActionContext, spec: ReleaseSpec): Promise<HelmResult> {
  return ctx.run({
    action: 'test',
    release: spec.name,
    namespace: spec.namespace,
    args: testArgs(spec),
    timeoutSeconds: spec.test.timeoutSeconds,
  });
}
