// helm test (Armada `test.enabled`, `test.timeout`), run by the workflow after an
// install or upgrade. A release whose stored revision has no test hook is not given a helm
// process: `helm test` would run nothing and succeed (a helm process costs ~0.2 s of CPU and
// ~0.5 s of wall time; most charts have no tests). The hooks are read from Helm's own release
// Secret (./observer.ts); when that read fails, helm test runs as before.
import type { HelmResult, ReleaseSpec } from '../types.js';
import type { HelmActionContext } from './context.js';
import { seconds } from './flags.js';
import type { ReleaseObserver } from './observer.js';

export function testArgs(spec: ReleaseSpec): string[] {
  return ['test', spec.name, '--namespace', spec.namespace, '--timeout', seconds(spec.test.timeoutSeconds)];
}

export async function test(ctx: HelmActionContext, observer: ReleaseObserver, spec: ReleaseSpec): Promise<HelmResult> {
  const started = performance.now();
  const latest = await observer.latest(spec.name, spec.namespace).catch(() => undefined);
  if (latest && !latest.testHooks) {
    return {
      action: 'test',
      release: spec.name,
      namespace: spec.namespace,
      durationMs: Math.round(performance.now() - started),
      ok: true,
      exitCode: 0,
      message: 'no test hooks: nothing to run',
    };
  }
  return ctx.run({
    action: 'test',
    release: spec.name,
    namespace: spec.namespace,
    args: testArgs(spec),
    timeoutSeconds: spec.test.timeoutSeconds,
  });
}
