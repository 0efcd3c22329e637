// The text of `Drifted` events: per release, which objects and fields drifted, and whether
// they were only found (drift detection warn) or repaired. Pure; values are never included
// (a drifted field may be a Secret's).

import type { SiteDiff } from '../../diff/types.js';

const MAX_FIELDS = 10;

export function driftEvents(diff: Pick<SiteDiff, 'decisions'>, what: 'found' | 'repaired'): string[] {
  const out: string[] = [];
  for (const d of diff.decisions.values()) {
    if (d.kind !== 'release' || !d.drift?.length) continue;
    if (what === 'found' && d.action !== 'none') continue;
    const parts = d.drift.map((o) => {
      const name = `${o.ref.kind}/${o.ref.namespace ? `${o.ref.namespace}/` : ''}${o.ref.name}`;
      if (o.missing) return `${name} (missing)`;
      const fields = o.fields.map((f) => f.path);
      const shown = fields.slice(0, MAX_FIELDS).join(' ');
      return `${name} ${shown}${fields.length > MAX_FIELDS ? ` (+${fields.length - MAX_FIELDS} more)` : ''}`;
    });
    out.push(
      what === 'found'
        ? `${d.stepId}: drift found, not repaired (driftDetection warn): ${parts.join('; ')}`
        : `${d.stepId}: repaired drift with no new Helm revision: ${parts.join('; ')}`,
    );
  }
  return out;
}
