// The "ready/total" strings that `kubectl get sites` / `kubectl get sitesets` print: a
// printer column can only show one field, so the controller writes them beside the counts.

import type { SiteStatus } from './types.js';

const ratio = (c: { ready: number; total: number } | undefined): string => `${c?.ready ?? 0}/${c?.total ?? 0}`;

/** status.summary from status.nodes and status.releases (0/0 when a count is missing). */
export function statusSummary(status: Pick<SiteStatus, 'nodes' | 'releases'>): NonNullable<SiteStatus['summary']> {
  return { nodes: ratio(status.nodes), releases: ratio(status.releases) };
}

/** SiteSet status.summary: sites ready/total and the current wave (1-based) of the total. */
export function siteSetSummary(
  ready: number,
  total: number,
  wave?: { current: number; total: number },
): { sites: string; wave?: string } {
  return { sites: `${ready}/${total}`, ...(wave ? { wave: `${wave.current + 1}/${wave.total}` } : {}) };
}
