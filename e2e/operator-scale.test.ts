// Figures: controller RSS idle and with 50 Sites of 20 releases each. The drivers are the
// in-memory fakes (SLIPWAY_DRIVERS=fake): 1,000 real helm installs on 2 cores would
// measure helm, not the controller. The API server, informers, work queue, status
// writes and the whole pipeline (render → plan → diff → execute) are real. Node runs with
// NODE_FLAGS in NODE_OPTIONS (proposed for charts/slipway, which does not set them yet):
// a small young generation keeps RSS near what is live instead of what was allocated
// between scavenges (without them: idle ~145 MiB, 50 × 20 ~230 MiB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSite } from '../controller/operator/reconcile/sample-site.js';
import {
  applyCrds,
  type ControllerProcess,
  cleanupNamespace,
  createNamespace,
  kubectl,
  startController,
  waitFor,
} from './operator-harness.js';

let ctl: ControllerProcess | undefined;
let ns = '';
const figures: Record<string, unknown> = {};

beforeAll(() => applyCrds());
afterAll(async () => {
  await ctl?.kill('SIGTERM');
  if (ns) cleanupNamespace(ns);
  console.log(`operator scale figures: ${JSON.stringify(figures)}`);
});

const NODE_FLAGS = '--max-semi-space-size=2 --max-old-space-size=128';
const MiB = (kib: number) => Math.round((kib / 1024) * 10) / 10;

describe('slipway controller at scale (fake drivers)', () => {
  it('RSS idle and with 50 Sites × 20 releases, all Ready', { timeout: 900_000 }, async () => {
    ns = createNamespace('op-scale');
    ctl = startController({
      args: ['--namespace', ns, '--workers', '4'],
      env: { SLIPWAY_DRIVERS: 'fake', SLIPWAY_LOG_LEVEL: 'debug', NODE_OPTIONS: NODE_FLAGS },
    });
    await waitFor('workers', () => ctl!.logs.some((l) => l.msg === 'workers started'), 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    figures.idleRssMiB = MiB(ctl.rssKiB());
    const sites = Array.from({ length: 50 }, (_, i) =>
      testSite({ name: `s${String(i).padStart(2, '0')}`, namespace: ns, releases: 20, nodes: 0 }),
    );
    const t0 = Date.now();
    kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: sites }));
    let peak = 0;
    await waitFor(
      '50 Sites Ready',
      () => {
        peak = Math.max(peak, ctl!.rssKiB());
        const ready = kubectl([
          'get',
          'sites',
          '-n',
          ns,
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]);
        return ready.split('\n').filter((x) => x === 'True').length === 50;
      },
      600_000,
      1_000,
    );
    figures.allReadySeconds = (Date.now() - t0) / 1000;
    figures.peakRssMiB = MiB(peak);
    await new Promise((r) => setTimeout(r, 5_000));
    figures.settledRssMiB = MiB(ctl.rssKiB());
    // Unchanged Sites: a requestedAt on each, every reconcile a no-op.
    const seen = ctl.logs.length;
    kubectl(['annotate', 'sites', '--all', '-n', ns, '--overwrite', `slipway.dev/requestedAt=${Date.now()}`]);
    await waitFor(
      '50 no-op reconciles',
      () => ctl!.logs.slice(seen).filter((l) => l.msg === 'reconciled').length >= 50,
      120_000,
      200,
    );
    const times = ctl.logs
      .slice(seen)
      .filter((l) => l.msg === 'reconciled')
      .map((l) => Number(l.durationMs))
      .sort((a, b) => a - b);
    figures.unchangedReconcileMsAt50 = { p50: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
    const reconciled = ctl.logs.filter((l) => l.msg === 'applied');
    expect(reconciled.length).toBeGreaterThanOrEqual(50);
    // Target < 150 MiB, reported as a figure from this run; the bound here catches a leak, not a target.
    expect(figures.settledRssMiB as number).toBeLessThan(300);
  });
});
