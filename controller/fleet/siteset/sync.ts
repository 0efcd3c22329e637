// sync: the Sites a SiteSet wants vs the Sites that exist → what to do with each. Pure.
//   wanted, missing or at another spec   → left to the rollout (./rollout.ts) to create/update
//   wanted, at its spec but edited by hand → restore now (drifted)
//   wanted, exists without a controller  → adopt (when already at its spec; else via the rollout)
//   wanted, owned by another controller  → conflict: never touched
//   owned, no longer generated           → prune: true → delete; prune: false → release
//                                          (ownerReference and label removed, Site kept)
//   …but when a generator failed or listed nothing, nothing is deleted or released.

import { SITESET_KIND, type SiteSet } from '../../operator/api/siteset-types.js';
import { GROUP, SITE_KIND, type Site, VERSION } from '../../operator/api/types.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';
import type { DesiredSite, Generated } from './generate.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface SyncPlan {
  /** At their spec digest but edited by hand: apply again now. */
  drifted: string[];
  /** Without a controller and already at their spec: apply (sets the ownerReference) now. */
  adopt: string[];
  /** Owned by another controller: never touched. */
  conflicts: { name: string; message: string }[];
  /** Owned and no longer generated, prune: true. */
  delete: string[];
  /** Owned and no longer generated, prune: false: released, kept. */
  release: string[];
  /** Owned and no longer generated, kept because the generators are incomplete. */
  kept: string[];
}

export function controllerOf(site: Site): OwnerReference | undefined {
  return (site.metadata.ownerReferences as OwnerReference[] | undefined)?.find((r) => r.controller === true);
}

export function ownedBy(site: Site, uid: string | undefined): boolean {
  return uid !== undefined && controllerOf(site)?.uid === uid;
}

export function planSync(siteSet: SiteSet, generated: Generated, existing: readonly Site[]): SyncPlan {
  const uid = siteSet.metadata.uid;
  const byName = new Map(existing.map((s) => [s.metadata.name, s]));
  const wanted = new Set(generated.sites.map((s) => s.name));
  const plan: SyncPlan = { drifted: [], adopt: [], conflicts: [], delete: [], release: [], kept: [] };
  for (const d of generated.sites) {
    const site = byName.get(d.name);
    if (!site) continue;
    const owner = controllerOf(site);
    const atSpec = site.metadata.annotations?.[SPEC_DIGEST_ANNOTATION] === d.specDigest;
    if (owner && owner.uid !== uid) {
      plan.conflicts.push({
        name: d.name,
        message: `Site ${d.name} is controlled by ${owner.kind} ${owner.name}, not by this SiteSet`,
      });
    } else if (!owner) {
      if (atSpec) plan.adopt.push(d.name);
    } else if (atSpec && !matchesDesired(site, d)) {
      plan.drifted.push(d.name);
    }
  }
  for (const site of existing) {
    const name = site.metadata.name;
    if (wanted.has(name) || !ownedBy(site, uid) || site.metadata.deletionTimestamp) continue;
    if (!generated.complete) plan.kept.push(name);
    else if (siteSet.spec.prune === true) plan.delete.push(name);
    else plan.release.push(name);
  }
  return plan;
}

/** True when every field the SiteSet sets on the Site (spec, labels, annotations) has its generated value. */
export function matchesDesired(site: Site, desired: DesiredSite): boolean {
  return (
    contains(site.spec, desired.spec) &&
    contains(site.metadata.labels ?? {}, desired.labels) &&
    contains(site.metadata.annotations ?? {}, desired.annotations)
  );
}

/** `actual` holds everything `wanted` says (extra fields in actual, such as API defaults, are fine). */
export function contains(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => contains(actual[i], w));
  }
  if (wanted && typeof wanted === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(wanted).every(
      ([k, w]) => w === undefined || contains((actual as Record<string, unknown>)[k], w),
    );
  }
  return actual === wanted;
}

/** The ownerReference a generated Site carries. */
export function ownerReference(siteSet: SiteSet): OwnerReference {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: SITESET_KIND,
    name: siteSet.metadata.name,
    uid: siteSet.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The whole object the SiteSet applies for a generated Site (server-side apply body). */
export function siteObject(siteSet: SiteSet, desired: DesiredSite): Site {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: SITE_KIND,
    metadata: {
      name: desired.name,
      namespace: siteSet.metadata.namespace ?? 'default',
      labels: desired.labels,
      annotations: desired.annotations,
      ownerReferences: [ownerReference(siteSet)],
    },
    spec: desired.spec,
  };
}
