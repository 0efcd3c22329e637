// SiteSet strategy knobs end to end (controller as a process, fake drivers: the Site
// controller's work is not under test here): pauseBetween holds the next wave for its
// duration (the controller requeues itself, no event needed), maxParallel 1 updates one
// Site at a time, and with two leader-elected replicas only the leader's SiteSet
// controller acts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_DIGEST_ANNOTATION } from '../controller/fleet/siteset/constants.js';
import type { Site } from '../controller/operator/api/types.js';
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
  setSpec,
  siteReady,
  siteSetObject,
  startController,
  templateDocuments,
  waitFor,
} from './fleet-harness.js';

const DIGEST = SPEC_DIGEST_ANNOTATION;
let ns = '';
const controllers: ControllerProcess[] = [];

describe('SiteSet strategy: pauseBetween, maxParallel, leader election', () => {
  beforeAll(() => {
    applyCrds();
    ns = createNamespace('fleet-strategy-e2e');
    const le = ['--leader-elect', '--leader-election-namespace', ns, '--leader-election-id', 'fleet-e2e'];
    controllers.push(
      startController(ns, { SLIPWAY_DRIVERS: 'fake' }, le),
      startController(ns, { SLIPWAY_DRIVERS: 'fake' }, le),
    );
  });
  afterAll(async () => {
    const [a, b] = controllers;
    await b?.stop();
    if (ns) await cleanUp(ns, a);
  });

  it('pauseBetween: wave 2 starts that long after the canary finished; maxParallel 1: one Site updating at a time', async () => {
    const docs = (version: string) => templateDocuments({ releaseNamespace: ns, version });
    applyObject(
      siteSetObject('strat', ns, {
        generators: [{ list: { elements: elements(4) } }],
        template: { spec: { source: { inline: { documents: docs('1') } } } },
        strategy: { waves: [{ count: 1 }], pauseBetween: '4s', maxParallel: 1 },
      }),
    );
    const ready = async (notRevision?: string) => {
      const s = await getSiteSet(ns, 'strat');
      return cond(s, 'Ready')?.status === 'True' &&
        s.status?.observedGeneration === s.metadata.generation &&
        s.status?.rollout?.revision !== notRevision
        ? s
        : false;
    };
    const first = await waitFor('SiteSet Ready', () => ready());

    // Sample while a change rolls out: never two Sites updating at once.
    const initial = new Map((await listSites(ns)).map((s) => [s.metadata.name, s.metadata.annotations?.[DIGEST]]));
    const updating = (s: Site) => s.metadata.annotations?.[DIGEST] !== initial.get(s.metadata.name) && !siteReady(s);
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, (await listSites(ns)).filter(updating).length);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await setSpec(ns, 'strat', (spec) => (spec.template.spec.source.inline!.documents = docs('2')));
    const set = await waitFor(
      'SiteSet Ready at the new revision',
      () => ready(first.status!.rollout!.revision),
      120_000,
    );
    sampling = false;
    await sampler;
    expect(most).toBe(1);
    const [w1, w2] = set.status!.rollout!.waves;
    const gap = Date.parse(w2!.startedAt!) - Date.parse(w1!.finishedAt!);
    expect(gap).toBeGreaterThanOrEqual(4_000);
    expect(gap).toBeLessThan(10_000);
    // Inside wave 2, each Site started only after the one before it finished.
    const sites = set
      .status!.sites!.filter((s) => s.wave === 1)
      .sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
    for (let i = 1; i < sites.length; i++)
      expect(Date.parse(sites[i]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(sites[i - 1]!.finishedAt!));
  });

  it("two replicas with leader election: only the leader's SiteSet controller runs workers", () => {
    const started = controllers.map((c) =>
      c.logs.some((l) => l.controller === 'siteset' && l.msg === 'workers started'),
    );
    expect(started.filter(Boolean)).toHaveLength(1);
    const updaters = controllers.map((c) =>
      c.logs.some((l) => l.controller === 'siteset' && l.msg === 'updating sites'),
    );
    expect(updaters).toEqual(started);
  });
});
