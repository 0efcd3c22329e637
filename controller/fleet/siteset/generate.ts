// generate: a SiteSet's generators → the Sites it wants, each with its name, labels,
// annotations and spec (the template with siteName and the element's values filled in).
// Pure: a git generator's input is the listing of the checkout's site-definitions, read
// by ./git-generator.ts. A generator that failed or listed no site makes the result
// incomplete: sync then deletes nothing.

import { SITE_NAME_LABEL, SITESET_LABEL, type SiteSet } from '../../operator/api/siteset-types.js';
import type { SiteSpec } from '../../operator/api/types.js';
import { validateSiteSpec } from '../../operator/api/validate.js';
import { SHARD_LABEL, shardFor } from '../../operator/sharding.js';
import { SPEC_DIGEST_ANNOTATION } from './constants.js';
import { digestOf } from './digest.js';
import { fillTemplate, type Unresolved } from './template.js';

/** What a git generator found: every site/<name>/site-definition.yaml with its site_type. */
export interface GitListing {
  sites: { name: string; type: string }[];
  /** The revision listed (`main@sha1:…`), for messages. */
  revision?: string;
  /** Site folders whose site-definition could not be read: the listing is incomplete. */
  problems?: string[];
}

export type GitListingResult = GitListing | { error: string };

export interface DesiredSite {
  /** The Site object's name: `<siteset>-<siteName>`. */
  name: string;
  siteName: string;
  /** Index of the generator that listed it. */
  generator: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: SiteSpec;
  /** Digest of spec, labels and annotations (also written as the SPEC_DIGEST_ANNOTATION). */
  specDigest: string;
}

export type GeneratorProblemReason =
  | 'GeneratorFailed'
  | 'GeneratorEmpty'
  | 'TemplateError'
  | 'InvalidSiteName'
  | 'InvalidSite'
  | 'DuplicateSite';

export interface GeneratorProblem {
  generator: number;
  reason: GeneratorProblemReason;
  message: string;
  siteName?: string;
}

export interface Generated {
  /** In generator order (list order; a git generator's sites by folder name). */
  sites: DesiredSite[];
  problems: GeneratorProblem[];
  /**
   * False when a generator failed or listed nothing, or a site could not be generated:
   * the set of sites is not known, so nothing may be deleted.
   */
  complete: boolean;
  /** What is being rolled out: a digest of the template and every generated site's digest. */
  revision: string;
}

interface Element {
  siteName: string;
  labels?: Record<string, string>;
  values?: Record<string, string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function generateSites(siteSet: SiteSet, git: ReadonlyMap<number, GitListingResult> = new Map()): Generated {
  const steps = generation(siteSet, git);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * generateSites(), giving the event loop a turn every `every` sites: 10,000 sites take
 * seconds of CPU, and a pass that never yields starves the leader election's renewals.
 */
export async function generateSitesYielding(
  siteSet: SiteSet,
  git: ReadonlyMap<number, GitListingResult> = new Map(),
  every = 100,
): Promise<Generated> {
  const steps = generation(siteSet, git);
  for (let n = 1; ; n++) {
    const step = steps.next();
    if (step.done) return step.value;
    if (n % every === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The generation, one step (yield) per site. */
function* generation(siteSet: SiteSet, git: ReadonlyMap<number, GitListingResult>): Generator<void, Generated> {
  const problems: GeneratorProblem[] = [];
  const sites: DesiredSite[] = [];
  const seen = new Map<string, number>();
  let complete = true;
  for (const [index, generator] of siteSet.spec.generators.entries()) {
    const elements = generatorElements(generator, index, git, problems);
    if (!elements) {
      complete = false;
      continue;
    }
    if (problems.some((p) => p.generator === index && p.reason === 'GeneratorFailed')) complete = false;
    if (elements.length === 0) {
      complete = false;
      problems.push({
        generator: index,
        reason: 'GeneratorEmpty',
        message: `generator ${index} ${emptyWhy(generator, git.get(index))}`,
      });
      continue;
    }
    for (const element of elements) {
      const first = seen.get(element.siteName);
      if (first !== undefined) {
        problems.push({
          generator: index,
          reason: 'DuplicateSite',
          siteName: element.siteName,
          message: `site ${element.siteName} of generator ${index} is already listed by generator ${first}; the first one is used`,
        });
        continue;
      }
      seen.set(element.siteName, index);
      const site = desiredSite(siteSet, element, index, problems);
      if (site) sites.push(site);
      else complete = false;
      yield;
    }
  }
  const revision = digestOf({
    template: siteSet.spec.template,
    sites: sites.map((s) => [s.name, s.specDigest]).sort(),
  });
  return { sites, problems, complete, revision };
}

function generatorElements(
  generator: SiteSet['spec']['generators'][number],
  index: number,
  git: ReadonlyMap<number, GitListingResult>,
  problems: GeneratorProblem[],
): Element[] | undefined {
  if (generator.list) return generator.list.elements;
  if (generator.git) {
    const listing = git.get(index);
    if (!listing) {
      problems.push({
        generator: index,
        reason: 'GeneratorFailed',
        message: `generator ${index}: ${generator.git.url} has not been read`,
      });
      return undefined;
    }
    if ('error' in listing) {
      problems.push({ generator: index, reason: 'GeneratorFailed', message: `generator ${index}: ${listing.error}` });
      return undefined;
    }
    for (const p of listing.problems ?? [])
      problems.push({ generator: index, reason: 'GeneratorFailed', message: `generator ${index}: ${p}` });
    return listing.sites
      .filter((s) => s.type === generator.git!.siteType)
      .map((s) => s.name)
      .sort()
      .map((siteName) => ({ siteName }));
  }
  problems.push({
    generator: index,
    reason: 'GeneratorFailed',
    message: `generator ${index} has neither list nor git`,
  });
  return undefined;
}

function emptyWhy(generator: SiteSet['spec']['generators'][number], listing: GitListingResult | undefined): string {
  if (!generator.git) return 'lists no site';
  const at = listing && 'revision' in listing && listing.revision ? ` at ${listing.revision}` : '';
  const types = listing && 'sites' in listing ? [...new Set(listing.sites.map((s) => s.type))].sort() : [];
  return `found no site of type '${generator.git.siteType}' in ${generator.git.url}${at} (site types there: ${types.join(', ') || 'none'})`;
}

function desiredSite(
  siteSet: SiteSet,
  element: Element,
  generator: number,
  problems: GeneratorProblem[],
): DesiredSite | undefined {
  const setName = siteSet.metadata.name;
  const name = `${setName}-${element.siteName}`;
  const bad = (message: string) => {
    problems.push({ generator, reason: 'InvalidSiteName', siteName: element.siteName, message });
    return undefined;
  };
  if (!DNS_LABEL.test(element.siteName) || element.siteName.length > 63)
    return bad(`site name '${element.siteName}' is not a DNS label (lower-case letters, digits and '-', at most 63)`);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return bad(`Site name '${name}' is not a valid object name`);
  if (setName.length > 63)
    return bad(
      `SiteSet name '${setName}' is longer than 63 characters: it cannot be the ${SITESET_LABEL} label of its Sites`,
    );

  const template = siteSet.spec.template;
  const unresolved: Unresolved[] = [];
  const params = { siteName: element.siteName, values: element.values ?? {} };
  const spec = fillTemplate(template.spec, params, unresolved, 'spec') as SiteSpec;
  const templateLabels = fillTemplate(template.metadata?.labels ?? {}, params, unresolved, 'metadata.labels');
  const templateAnnotations = fillTemplate(
    template.metadata?.annotations ?? {},
    params,
    unresolved,
    'metadata.annotations',
  );
  if (unresolved.length > 0) {
    const list = unresolved.map((u) => `${u.placeholder} at template.${u.path}`).join(', ');
    problems.push({
      generator,
      reason: 'TemplateError',
      siteName: element.siteName,
      message: `site ${element.siteName}: no value for ${list}`,
    });
    return undefined;
  }
  spec.siteName = element.siteName;
  // The filled-in spec must be a valid Site spec (the API server would refuse it otherwise).
  const invalid = validateSiteSpec(spec);
  if (invalid.length > 0) {
    problems.push({
      generator,
      reason: 'InvalidSite',
      siteName: element.siteName,
      message: `site ${element.siteName}: the generated Site spec is invalid: ${invalid.slice(0, 5).join('; ')}`,
    });
    return undefined;
  }
  const shard = shardFor(element.siteName, siteSet.spec.shards ?? []);
  const labels = {
    ...(shard ? { [SHARD_LABEL]: shard } : {}),
    ...templateLabels,
    ...(element.labels ?? {}),
    [SITESET_LABEL]: setName,
    [SITE_NAME_LABEL]: element.siteName,
  };
  const specDigest = digestOf({ spec, labels, annotations: templateAnnotations });
  const annotations = { ...templateAnnotations, [SPEC_DIGEST_ANNOTATION]: specDigest };
  return { name, siteName: element.siteName, generator, labels, annotations, spec, specDigest };
}
