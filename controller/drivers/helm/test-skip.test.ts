// helm test is started only when the stored revision has a test hook (./test.ts).
import { describe, expect, it } from 'vitest';
import type { HelmActionContext } from './context.js';
import type { ReleaseObserver } from './observer.js';
import { hasTestHooks } from './release-secret.js';
import type { HelmCall } from './run.js';
import { test } from './test.js';
import { baseSpec } from './test-helpers.js';

function observerWith(latest: Awaited<ReturnType<ReleaseObserver['latest']>> | Error): ReleaseObserver {
  return {
    list: async () => [],
    values: async () => undefined,
    latest: async () => {
      if (latest instanceof Error) throw latest;
      return latest;
    },
  };
}

function recordingContext(): { ctx: HelmActionContext; calls: HelmCall[] } {
  const calls: HelmCall[] = [];
  const ctx = {
    run: async (call: HelmCall) => {
      calls.push(call);
      return {
        action: call.action,
        release: call.release,
        namespace: call.namespace,
        durationMs: 5,
        ok: true,
        exitCode: 0,
        message: '',
      };
    },
    kube: () => {
      throw new Error('no kube in this test');
    },
  } as HelmActionContext;
  return { ctx, calls };
}

const spec = baseSpec((s) => {
  s.test = { enabled: true, timeoutSeconds: 120 };
});

describe('hasTestHooks', () => {
  it.each([
    [{}, false],
    [{ hooks: [] }, false],
    [{ hooks: [{ name: 'migrate', events: ['pre-install', 'pre-upgrade'] }] }, false],
    [{ hooks: [{ name: 'smoke', events: ['test'] }] }, true],
    [{ hooks: [{ name: 'old', events: ['test-success'] }] }, true],
    [
      {
        hooks: [
          { name: 'a', events: ['post-install'] },
          { name: 'b', events: ['post-upgrade', 'test'] },
        ],
      },
      true,
    ],
  ])('%j → %s', (release, expected) => {
    expect(hasTestHooks(release)).toBe(expected);
  });
});

describe('test', () => {
  it('starts no helm process when the stored revision has no test hook', async () => {
    const { ctx, calls } = recordingContext();
    const r = await test(ctx, observerWith({ revision: 3, secret: 's', manifest: '', testHooks: false }), spec);
    expect(calls).toEqual([]);
    expect(r).toMatchObject({ action: 'test', ok: true, exitCode: 0, release: spec.name, namespace: spec.namespace });
  });

  it('runs helm test when there is a test hook', async () => {
    const { ctx, calls } = recordingContext();
    await test(ctx, observerWith({ revision: 3, secret: 's', manifest: '', testHooks: true }), spec);
    expect(calls.map((c) => c.args[0])).toEqual(['test']);
  });

  it('runs helm test when the release cannot be read (the check fails open to helm)', async () => {
    for (const latest of [new Error('forbidden'), undefined]) {
      const { ctx, calls } = recordingContext();
      await test(ctx, observerWith(latest), spec);
      expect(calls).toHaveLength(1);
    }
  });
});
