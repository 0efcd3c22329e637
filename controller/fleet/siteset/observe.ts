// observe: where one generated Site stands relative to the spec its SiteSet wants for it,
// read from the Site's annotation and its kstatus conditions. Pure.
//
//   no Site                                       → Missing
//   spec digest annotation ≠ the wanted one       → Outdated (waits for its wave)
//   spec.suspend                                  → Suspended
//   generation not yet observed by the Site controller, or being deleted → Updating
//   Stalled=True                                  → Failed (the Site's input must change)
//   Ready=True at this generation                 → Ready
//   Ready=False after an attempt (not Progressing) → Failed (the Site controller retries)
//   otherwise (Reconciling)                       → Updating
import type { Condition, Site } from '../../operator/api/types.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';

export type SitePhase = 'Missing' | 'Outdated' | 'Updating' | 'Ready' | 'Failed' | 'Suspended';

export interface SiteObservation {
  phase: SitePhase;
  /** The Site's lastAppliedRevision. */
  revision?: string;
  /** The spec digest the Site carries (its annotation). */
  specDigest?: string;
  message?: string;
}

const cond = (site: Site, type: string): Condition | undefined => site.status?.conditions?.find((c) => c.type === type);

export function observeSite(site: Site | undefined, wantedDigest: string): SiteObservation {
  if (!site) return { phase: 'Missing' };
  const specDigest = site.metadata.annotations?.[SPEC_DIGEST_ANNOTATION];
  const base: SiteObservation = { phase: 'Updating' };
  if (site.status?.lastAppliedRevision) base.revision = site.status.lastAppliedRevision;
  if (specDigest) base.specDigest = specDigest;
  if (specDigest !== wantedDigest) return { ...base, phase: 'Outdated' };
  if (site.spec.suspend) return { ...base, phase: 'Suspended', message: 'the Site is suspended' };
  if (site.metadata.deletionTimestamp) return { ...base, message: 'the Site is being deleted' };
  const generation = site.metadata.generation;
  const observed = site.status?.observedGeneration;
  if (generation !== undefined && observed !== generation) {
    return { ...base, message: `waiting for the Site controller to observe generation ${generation}` };
  }
  const atGeneration = (c: Condition | undefined) =>
    c && (c.observedGeneration === undefined || generation === undefined || c.observedGeneration === generation);
  const stalled = cond(site, 'Stalled');
  if (stalled?.status === 'True' && atGeneration(stalled))
    return { ...base, phase: 'Failed', message: `${stalled.reason}: ${stalled.message}` };
  const ready = cond(site, 'Ready');
  if (ready?.status === 'True' && atGeneration(ready)) return { ...base, phase: 'Ready' };
  if (
    ready?.status === 'False' &&
    atGeneration(ready) &&
    ready.reason !== 'Progressing' &&
    ready.reason !== 'Deleting'
  ) {
    return { ...base, phase: 'Failed', message: `${ready.reason}: ${ready.message}` };
  }
  return { ...base, ...(ready?.message ? { message: ready.message } : {}) };
}
