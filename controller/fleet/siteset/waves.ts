// waves: which Sites belong to which wave of a rollout. Pure.
// Each wave of strategy.waves takes, from the Sites no earlier wave took:
//   selector → every Site whose labels match
//   count    → the next N, in generator order
//   percent  → the next ceil(N% of all Sites), in generator order
// The Sites no wave takes form one last wave. No waves at all: one wave of every Site.
import type { LabelSelector, RolloutWave } from '../../operator/api/siteset-types.js';

export interface WaveSite {
  name: string;
  labels: Readonly<Record<string, string>>;
}

export interface Wave {
  index: number;
  name?: string;
  /** Site names, in generator order. */
  sites: string[];
}

export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !(r.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (r.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function assignWaves(waves: readonly RolloutWave[] | undefined, sites: readonly WaveSite[]): Wave[] {
  const remaining = [...sites];
  const out: Wave[] = [];
  (waves ?? []).forEach((w, index) => {
    let taken: WaveSite[];
    if (w.selector) {
      taken = remaining.filter((s) => matchesSelector(w.selector!, s.labels));
    } else {
      const n =
        w.count !== undefined ? w.count : w.percent !== undefined ? Math.ceil((sites.length * w.percent) / 100) : 0;
      taken = remaining.slice(0, Math.max(0, n));
    }
    const names = new Set(taken.map((s) => s.name));
    for (let i = remaining.length - 1; i >= 0; i--) if (names.has(remaining[i]!.name)) remaining.splice(i, 1);
    out.push({ index, ...(w.name ? { name: w.name } : {}), sites: taken.map((s) => s.name) });
  });
  if (remaining.length > 0 || out.length === 0) {
    out.push({ index: out.length, ...(out.length > 0 ? { name: 'rest' } : {}), sites: remaining.map((s) => s.name) });
  }
  return out;
}
