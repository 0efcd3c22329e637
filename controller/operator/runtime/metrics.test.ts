import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { createMetrics } from './metrics.js';
import { createWorkQueue } from './workqueue.js';

describe('metrics', () => {
  it("exposes controller-runtime's and Slipway's metric names", async () => {
    const m = createMetrics({ processMetrics: false });
    m.reconcileTotal.inc({ controller: 'site', result: 'success' });
    m.reconcileErrors.inc({ controller: 'site' });
    m.reconcileTime.observe({ controller: 'site' }, 0.2);
    m.maxConcurrentReconciles.set({ controller: 'site' }, 4);
    m.leaderStatus.set({ name: 'slipway' }, 1);
    m.steps.inc({ state: 'Succeeded' });
    m.helmCallDuration.observe({ action: 'upgrade' }, 3);
    m.ironicCallDuration.observe({ method: 'PATCH' }, 0.05);
    m.sites.set({ condition: 'Ready' }, 2);
    m.queueSink('site');
    const text = await m.text();
    for (const name of [
      'controller_runtime_reconcile_total{controller="site",result="success"} 1',
      'controller_runtime_reconcile_errors_total{controller="site"} 1',
      'controller_runtime_reconcile_time_seconds_count{controller="site"} 1',
      'controller_runtime_max_concurrent_reconciles{controller="site"} 4',
      'workqueue_depth{name="site",controller="site"} 0',
      'workqueue_adds_total{name="site",controller="site"} 0',
      'workqueue_retries_total{name="site",controller="site"} 0',
      '# TYPE workqueue_queue_duration_seconds histogram',
      '# TYPE workqueue_work_duration_seconds histogram',
      'leader_election_master_status{name="slipway"} 1',
      'slipway_steps_total{state="Succeeded"} 1',
      'slipway_helm_call_duration_seconds_count{action="upgrade"} 1',
      'slipway_ironic_call_duration_seconds_count{method="PATCH"} 1',
      'slipway_sites{condition="Ready"} 2',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('process_cpu');
  });

  it('two registries do not collide; process metrics on by default', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.steps.inc({ state: 'Failed' });
    expect(await b.text()).not.toContain('state="Failed"');
    expect(await a.text()).toContain('process_cpu_user_seconds_total');
  });

  it('the queue sink feeds the workqueue metrics', async () => {
    const m = createMetrics({ processMetrics: false });
    const clock = new FakeClock();
    const q = createWorkQueue<string>({ clock, metrics: m.queueSink('site') });
    q.add('a');
    q.add('b');
    await clock.advance(1000);
    const k = (await q.get()) as string;
    q.done(k);
    q.addRateLimited(k);
    const text = await m.text();
    expect(text).toContain('workqueue_adds_total{name="site",controller="site"} 2');
    expect(text).toContain('workqueue_depth{name="site",controller="site"} 1');
    expect(text).toContain('workqueue_retries_total{name="site",controller="site"} 1');
    expect(text).toContain('workqueue_queue_duration_seconds_count{name="site",controller="site"} 1');
    expect(text).toContain('workqueue_queue_duration_seconds_bucket{le="1",name="site",controller="site"} 1');
    expect(text).toContain('workqueue_unfinished_work_seconds{name="site",controller="site"} 0');
  });

  it('unfinished work and longest running processor follow the keys being processed', async () => {
    const m = createMetrics({ processMetrics: false });
    const clock = new FakeClock();
    const q = createWorkQueue<string>({ clock, metrics: m.queueSink('site') });
    q.add('a');
    q.add('b');
    await q.get();
    await clock.advance(3000);
    await q.get();
    await clock.advance(1000);
    const text = await m.text();
    expect(text).toContain('workqueue_unfinished_work_seconds{name="site",controller="site"} 5');
    expect(text).toContain('workqueue_longest_running_processor_seconds{name="site",controller="site"} 4');
  });
});
