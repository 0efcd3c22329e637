// Every site of the example repository renders, validates and plans; the values that make the
// sites differ come out as the layers and substitutions say.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RenderedDocument } from '../documents/types.js';
import { planSite } from '../pipeline/site.js';
import { formatProblem } from '../problems/index.js';
import { redactDocument } from '../render/index.js';

const REPO = fileURLToPath(new URL('../../site-manifests', import.meta.url));

async function site(name: string) {
  const s = await planSite([REPO], { site: name });
  const find = (schema: string, doc: string) =>
    s.documents.find((d) => d.schema === schema && d.metadata.name === doc) as RenderedDocument;
  return { ...s, find };
}

describe('site-manifests', () => {
  for (const name of ['lab', 'edge-01', 'edge-02']) {
    it(`${name} renders, validates and plans with no error`, async () => {
      const s = await site(name);
      expect(s.problems.errors.map(formatProblem)).toEqual([]);
      expect(s.workflow?.phases.map((p) => p.name)).toEqual(['baremetal', 'demo-infra', 'demo-apps', 'demo-ops']);
    });
  }

  it("each site's values come through the layers: replicas, messages from substituted domains, pinned images", async () => {
    const [lab, e1, e2] = await Promise.all([site('lab'), site('edge-01'), site('edge-02')]);
    const values = (s: typeof lab, chart: string) =>
      (s.find('armada/Chart/v1', chart).data as { values: Record<string, unknown> }).values;
    expect([lab, e1, e2].map((s) => values(s, 'frontend').replicaCount)).toEqual([1, 3, 2]);
    expect(values(e1, 'frontend').message).toBe('edge-01 frontend, serving https://app.edge-01.slipway.example/');
    expect([lab, e1, e2].map((s) => (values(s, 'backend').image as { tag: string }).tag)).toEqual([
      '3.10',
      '3.10',
      '3.9',
    ]);
  });

  it("BMC addresses per site, and the BMC password only in the drivers' view", async () => {
    const [lab, e1, e2] = await Promise.all([site('lab'), site('edge-01'), site('edge-02')]);
    const host = (s: typeof lab) => s.documents.filter((d) => d.schema === 'slipway/BaremetalHost/v1')[0]!;
    const bmc = (d: RenderedDocument) =>
      (d.data as { bmc: { address: string; credentials: { password: string } } }).bmc;
    expect([lab, e1, e2].map((s) => bmc(host(s)).address)).toEqual([
      'fake://lab-node-01',
      'redfish+http://127.0.0.1:8000/redfish/v1/Systems/slipway-bm-0',
      'ipmi://127.0.0.1:6230',
    ]);
    const real = bmc(host(lab)).credentials.password;
    expect(real).not.toBe('[redacted]');
    expect(JSON.stringify(lab.documents.map((d) => redactDocument(d).data))).not.toContain(real);
  });
});
