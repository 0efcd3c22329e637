// The figure: a SiteSet of 100 Sites (inline sources, one small ConfigMap chart
// each) reconciled by one controller: time from `kubectl apply` of the SiteSet until it is
// Ready (every Site Ready), and the controller's RSS (target under 300 MiB). Measured
// twice: with real helm (100 helm installs against the local cluster) and with the fake
// drivers (SLIPWAY_DRIVERS=fake: the controllers' own cost). Canary wave of 1, then 99.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCrds,
  applyObject,
  type ControllerProcess,
  cleanUp,
  cond,
  createNamespace,
  elements,
  getSiteSet,
  listSites,
  siteReady,
  siteSetObject,
  startController,
  templateDocuments,
  waitFor,
} from './fleet-harness.js';

const SITES = Number(process.env.SLIPWAY_FLEET_SITES ?? 100);
const WORKERS = process.env.SLIPWAY_FLEET_WORKERS ?? '4';
const figures: string[] = [];

async function measure(
  label: string,
  env: Record<string, string>,
): Promise<{ seconds: number; peakMiB: number; idleMiB: number }> {
  const ns = createNamespace(`fleet-scale-${label}`);
  let controller: ControllerProcess | undefined;
  try {
    controller = startController(ns, env, ['--workers', WORKERS]);
    await waitFor(
      'controller started',
      () => controller!.logs.some((l) => l.msg === 'workers started' && l.controller === 'siteset'),
      60_000,
    );
    const idleMiB = controller.rssKiB() / 1024;
    const t0 = Date.now();
    applyObject(
      siteSetObject('scale', ns, {
        generators: [{ list: { elements: elements(SITES) } }],
        template: { spec: { source: { inline: { documents: templateDocuments({ releaseNamespace: ns }) } } } },
        strategy: { waves: [{ name: 'canary', count: 1 }] },
      }),
    );
    await waitFor(
      `all ${SITES} Sites Ready`,
      async () => {
        const s = await getSiteSet(ns, 'scale');
        return cond(s, 'Ready')?.status === 'True' && s.status?.counts?.ready === SITES;
      },
      1_800_000,
      250,
    );
    const seconds = (Date.now() - t0) / 1000;
    controller.rssKiB();
    const sites = await listSites(ns);
    expect(sites).toHaveLength(SITES);
    expect(sites.every(siteReady)).toBe(true);
    const peakMiB = controller.peakKiB() / 1024;
    const line = `fleet figure [${label}]: ${SITES} Sites Ready ${seconds.toFixed(1)} s after kubectl apply (controller --workers ${WORKERS}); controller RSS idle ${idleMiB.toFixed(0)} MiB, peak ${peakMiB.toFixed(0)} MiB`;
    figures.push(line);
    console.log(line);
    return { seconds, peakMiB, idleMiB };
  } finally {
    if (process.env.SLIPWAY_FLEET_LOG && controller)
      writeFileSync(
        `${process.env.SLIPWAY_FLEET_LOG}-${label}.jsonl`,
        controller.logs.map((l) => JSON.stringify(l)).join('\n'),
      );
    await cleanUp(ns, controller);
  }
}

describe(`a SiteSet of ${SITES} Sites, one controller`, () => {
  beforeAll(() => applyCrds());
  afterAll(() => console.log(figures.join('\n')));

  it('with the fake drivers: all Ready, RSS under 300 MiB', async () => {
    const r = await measure('fake', {
      SLIPWAY_DRIVERS: 'fake',
      ...(process.env.SLIPWAY_FLEET_LOG ? { SLIPWAY_LOG_LEVEL: 'debug' } : {}),
      ...(process.env.SLIPWAY_FLEET_CPU_PROF
        ? { SLIPWAY_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${process.env.SLIPWAY_FLEET_CPU_PROF}` }
        : {}),
    });
    expect(r.peakMiB).toBeLessThan(300);
  }, 1_900_000);

  it('with real helm: all Ready, RSS under 300 MiB', async () => {
    const r = await measure('helm', {});
    expect(r.peakMiB).toBeLessThan(300);
  }, 1_900_000);
});
