// In-process measurement: render every site of a repository one after the other through the
// stage functions the CLI chains (source → envelopes → render), timing each part.

import { performance } from 'node:perf_hooks';
import { formatProblem, Problems } from '../problems/index.js';
import { render } from '../render/index.js';
import { loadSource } from '../source/index.js';
import { checkEnvelopes } from '../validate/index.js';
import { type RssPeak, RssSampler } from './rss-sampler.js';

export interface RenderRun {
  sites: number;
  /** Source documents read, summed over the sites (global and type documents count once per site). */
  documents: number;
  rendered: number;
  wallMs: number;
  /** Time in loadSource (reading and parsing files). */
  loadMs: number;
  /** Time in checkEnvelopes + render. */
  renderMs: number;
  /** CPU time (user + system) of the whole run: less sensitive than wall time to a busy machine. */
  cpuMs: number;
  rss: RssPeak;
  /** The first few problems of any severity "error", formatted; empty when every site rendered cleanly. */
  errors: string[];
  errorCount: number;
}

export interface RenderSitesOptions {
  /**
   * Parse each file once for all sites (global/ and type/ files are shared by every site),
   * as a fleet render does; otherwise every site reads and parses all its files afresh.
   */
  shareParsedFiles?: boolean;
}

export async function renderSites(root: string, sites: string[], options: RenderSitesOptions = {}): Promise<RenderRun> {
  const cache = options.shareParsedFiles ? new Map() : undefined;
  const sampler = new RssSampler().start();
  const run: Omit<RenderRun, 'rss'> = {
    sites: sites.length,
    documents: 0,
    rendered: 0,
    wallMs: 0,
    loadMs: 0,
    renderMs: 0,
    cpuMs: 0,
    errors: [],
    errorCount: 0,
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const site of sites) {
    const problems = new Problems();
    const t0 = performance.now();
    const source = await loadSource([root], cache ? { site, cache } : { site }, problems);
    const t1 = performance.now();
    const rendered = render(checkEnvelopes(source.documents, problems), problems);
    const t2 = performance.now();
    sampler.sample();
    run.loadMs += t1 - t0;
    run.renderMs += t2 - t1;
    run.documents += source.documents.length;
    run.rendered += rendered.length;
    const errors = problems.errors;
    run.errorCount += errors.length;
    for (const p of errors.slice(0, Math.max(0, 5 - run.errors.length)))
      run.errors.push(`${site}: ${formatProblem(p)}`);
  }
  run.wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  run.cpuMs = (used.user + used.system) / 1000;
  return { ...run, rss: sampler.stop() };
}

/** The run with the median wall time (of an odd count; the lower middle of an even one). */
export function medianRun(runs: RenderRun[]): RenderRun {
  if (runs.length === 0) throw new RangeError('no runs');
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[(sorted.length - 1) >> 1]!;
}
