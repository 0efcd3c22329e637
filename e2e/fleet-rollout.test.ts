// SiteSet end to end, on the local cluster with real helm: the controller (`slipway
// controller --namespace NS`, a child process) generates 3 inline Sites from a list
// generator and rolls changes out in two waves (the canary, then the rest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_DIGEST_ANNOTATION } from '../controller/fleet/siteset/constants.js';
import type { SiteSet } from '../controller/operator/api/siteset-types.js';
import type { Site } from '../controller/operator/api/types.js';
import {
  applyCrds,
  applyObject,
  type ControllerProcess,
  cleanUp,
  cond,
  createNamespace,
  elements,
  fleetStatus,
  getSiteSet,
  kubectl,
  listSites,
  setSpec,
  siteReady,
  siteSetObject,
  startController,
  templateDocuments,
  waitFor,
} from './fleet-harness.js';

const DIGEST = SPEC_DIGEST_ANNOTATION;
let ns = '';
let controller: ControllerProcess | undefined;

const readyAt = async (revision?: string): Promise<SiteSet | false> => {
  const s = await getSiteSet(ns, 'edge');
  const ok =
    cond(s, 'Ready')?.status === 'True' &&
    s.status?.observedGeneration === s.metadata.generation &&
    (!revision || s.status?.rollout?.revision !== revision);
  return ok ? s : false;
};
const configValue = (release: string, key: string) =>
  kubectl(['-n', ns, 'get', 'configmap', release, '-o', `jsonpath={.data.${key}}`]);
const byName = (sites: Site[]) => new Map(sites.map((s) => [s.metadata.name, s]));

describe('SiteSet rollout (list generator, 3 inline Sites, real helm)', () => {
  beforeAll(() => {
    applyCrds();
    ns = createNamespace('fleet-e2e');
    controller = startController(ns);
  });
  afterAll(async () => {
    if (ns) await cleanUp(ns, controller);
  });

  it('generates 3 owned Sites and rolls them out, the canary wave first', async () => {
    applyObject(
      siteSetObject('edge', ns, {
        generators: [{ list: { elements: elements(3) } }],
        template: {
          metadata: { labels: { tier: 'edge' } },
          spec: { source: { inline: { documents: templateDocuments({ releaseNamespace: ns }) } } },
        },
        strategy: { waves: [{ name: 'canary', count: 1 }] },
      }),
    );
    const set = await waitFor('SiteSet Ready', () => readyAt());
    const sites = await listSites(ns);
    expect(sites.map((s) => s.metadata.name).sort()).toEqual(['edge-site1', 'edge-site2', 'edge-site3']);
    for (const s of sites) {
      expect(siteReady(s)).toBe(true);
      expect(s.metadata.labels).toMatchObject({ tier: 'edge', 'slipway.dev/siteset': 'edge' });
      expect(s.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'SiteSet',
          name: 'edge',
          uid: set.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        }),
      ]);
    }
    expect(['site1-cfg', 'site2-cfg', 'site3-cfg'].map((r) => configValue(r, 'vlan'))).toEqual(['100', '101', '102']);
    const [w1, w2] = set.status!.rollout!.waves;
    expect(w1).toMatchObject({ name: 'canary', state: 'Succeeded', sites: ['edge-site1'] });
    expect(w2).toMatchObject({ state: 'Succeeded', sites: ['edge-site2', 'edge-site3'] });
    expect(Date.parse(w2!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(w1!.finishedAt!));
    expect(set.status!.summary).toEqual({ sites: '3/3', wave: '2/2' });
    const status = fleetStatus(ns);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/edge-site1\s+1\s+Ready\s+sha256:[0-9a-f]{12}\s+\d/);
  });

  it('a template change: the canary is Ready at its new spec before wave 2 starts', async () => {
    const before = (await getSiteSet(ns, 'edge')).status!.rollout!.revision;
    const initialDigests = new Map(
      (await listSites(ns)).map((s) => [s.metadata.name, s.metadata.annotations?.[DIGEST]]),
    );
    // Sample the Sites all along: no wave-2 Site may get the new spec before the canary is Ready with it.
    const violations: string[] = [];
    let sawCanaryUpdating = false;
    let sampling = true;
    const sampler = (async () => {
      let newDigest: string | undefined;
      while (sampling) {
        const m = byName(await listSites(ns));
        const canary = m.get('edge-site1')!;
        const d = canary.metadata.annotations?.[DIGEST];
        const canaryNew = d !== undefined && d !== initialDigests.get('edge-site1');
        if (canaryNew) newDigest = d;
        const canaryReady = canaryNew && siteReady(canary);
        if (canaryNew && !canaryReady) sawCanaryUpdating = true;
        for (const n of ['edge-site2', 'edge-site3']) {
          const s = m.get(n)!;
          if (s.metadata.annotations?.[DIGEST] !== initialDigests.get(n) && !canaryReady)
            violations.push(`${n} updated while the canary was not Ready at its new spec (${newDigest})`);
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await setSpec(
      ns,
      'edge',
      (spec) =>
        (spec.template.spec.source.inline!.documents = templateDocuments({ releaseNamespace: ns, version: '2' })),
    );
    const set = await waitFor('SiteSet Ready at the new revision', () => readyAt(before));
    sampling = false;
    await sampler;
    expect(violations).toEqual([]);
    expect(sawCanaryUpdating).toBe(true);
    expect(['site1-cfg', 'site2-cfg', 'site3-cfg'].map((r) => configValue(r, 'version'))).toEqual(['2', '2', '2']);
    const [w1, w2] = set.status!.rollout!.waves;
    expect(Date.parse(w2!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(w1!.finishedAt!));
    for (const s of set.status!.sites!)
      expect(s).toMatchObject({
        state: 'Ready',
        revision: expect.stringMatching(/^sha256:/),
        durationSeconds: expect.any(Number),
      });
  });

  it('a template that fails on the canary stops the rollout: Stalled names the Site, wave 2 untouched', async () => {
    const before = byName(await listSites(ns));
    await setSpec(
      ns,
      'edge',
      (spec) =>
        (spec.template.spec.source.inline!.documents = templateDocuments({ releaseNamespace: ns, chart: 'demo-fail' })),
    );
    const set = await waitFor('SiteSet Stalled', async () => {
      const s = await getSiteSet(ns, 'edge');
      return cond(s, 'Stalled')?.status === 'True' && s.status?.observedGeneration === s.metadata.generation
        ? s
        : false;
    });
    expect(cond(set, 'Stalled')!.message).toMatch(
      /edge-site1 \(ApplyFailed: .*demo-fail: this template fails on purpose \(site1\)/,
    );
    expect(cond(set, 'Ready')).toMatchObject({ status: 'False', reason: 'RolloutStalled' });
    expect(set.status!.rollout).toMatchObject({ state: 'Stalled', currentWave: 0 });
    expect(set.status!.rollout!.waves.map((w) => w.state)).toEqual(['Failed', 'Pending']);
    await new Promise((r) => setTimeout(r, 3_000)); // give a wrong controller time to do wrong
    const after = byName(await listSites(ns));
    for (const n of ['edge-site2', 'edge-site3']) {
      expect(after.get(n)!.metadata.annotations?.[DIGEST]).toBe(before.get(n)!.metadata.annotations?.[DIGEST]);
      expect(after.get(n)!.metadata.generation).toBe(before.get(n)!.metadata.generation);
    }
    expect(['site2-cfg', 'site3-cfg'].map((r) => configValue(r, 'version'))).toEqual(['2', '2']);
    const status = fleetStatus(ns);
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/edge-site1\s+1\s+Failed/);
    expect(status.out).toMatch(/edge-site2\s+2\s+Pending .*waiting for wave 1/);

    // Fixing the template resumes the rollout from the canary.
    await setSpec(
      ns,
      'edge',
      (spec) =>
        (spec.template.spec.source.inline!.documents = templateDocuments({ releaseNamespace: ns, version: '3' })),
    );
    await waitFor('SiteSet Ready after the fix', () => readyAt(set.status!.rollout!.revision));
    expect(['site1-cfg', 'site2-cfg', 'site3-cfg'].map((r) => configValue(r, 'version'))).toEqual(['3', '3', '3']);
  });

  it('paused by annotation: a change waits; removing the annotation resumes it', async () => {
    const before = (await getSiteSet(ns, 'edge')).status!.rollout!.revision;
    kubectl(['-n', ns, 'annotate', 'siteset', 'edge', 'slipway.dev/rollout-paused=true']);
    await setSpec(
      ns,
      'edge',
      (spec) =>
        (spec.template.spec.source.inline!.documents = templateDocuments({ releaseNamespace: ns, version: '4' })),
    );
    const paused = await waitFor('rollout Paused', async () => {
      const s = await getSiteSet(ns, 'edge');
      return s.status?.rollout?.state === 'Paused' && s.status.rollout.revision !== before ? s : false;
    });
    expect(cond(paused, 'Reconciling')).toMatchObject({ status: 'True', reason: 'Paused' });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(configValue('site1-cfg', 'version')).toBe('3');
    kubectl(['-n', ns, 'annotate', 'siteset', 'edge', 'slipway.dev/rollout-paused-']);
    await waitFor('SiteSet Ready after resuming', () => readyAt(before));
    expect(['site1-cfg', 'site2-cfg', 'site3-cfg'].map((r) => configValue(r, 'version'))).toEqual(['4', '4', '4']);
  });

  it('an element removed: prune false keeps its Site (released), prune true deletes it', async () => {
    await setSpec(ns, 'edge', (spec) => spec.generators[0]!.list!.elements.splice(2, 1));
    const kept = await waitFor('edge-site3 released', async () => {
      const s = byName(await listSites(ns)).get('edge-site3');
      return s && !(s.metadata.ownerReferences ?? []).length && !s.metadata.labels?.['slipway.dev/siteset'] ? s : false;
    });
    expect(siteReady(kept)).toBe(true);
    const set = await waitFor('SiteSet counts 2 Sites', async () => {
      const s = await getSiteSet(ns, 'edge');
      return s.status?.counts?.total === 2 && cond(s, 'Ready')?.status === 'True' ? s : false;
    });
    expect(set.status!.sites!.map((s) => s.name)).toEqual(['edge-site1', 'edge-site2']);

    await setSpec(ns, 'edge', (spec) => {
      spec.prune = true;
      spec.generators[0]!.list!.elements.splice(1, 1);
    });
    await waitFor('edge-site2 deleted', async () => !byName(await listSites(ns)).has('edge-site2'));
    const names = (await listSites(ns)).map((s) => s.metadata.name).sort();
    expect(names).toEqual(['edge-site1', 'edge-site3']); // the released Site is no longer the SiteSet's to delete
  });

  it('deleting the SiteSet deletes the Sites it owns (garbage collector), not the released one', async () => {
    kubectl(['-n', ns, 'delete', 'siteset', 'edge', '--wait=false']);
    await waitFor('owned Sites gone', async () => !byName(await listSites(ns)).has('edge-site1'), 120_000, 500);
    expect((await listSites(ns)).map((s) => s.metadata.name)).toEqual(['edge-site3']);
  });
});
