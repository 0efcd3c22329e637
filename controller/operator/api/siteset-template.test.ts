import { describe, expect, it } from 'vitest';
import { validateSiteSetSpec } from './validate.js';

const spec = (target: unknown) => ({
  template: {
    spec: { source: { inline: { documents: [{ schema: 'a/B/v1', metadata: { name: 'x' }, data: {} }] } }, target },
  },
  generators: [{ list: { elements: [{ siteName: 'edge-01', values: { cluster: 'east' } }] } }],
});

describe('SiteSet template', () => {
  it('accepts placeholders in strings the Site schema pattern-checks (a per-site kubeconfig Secret)', () => {
    expect(validateSiteSetSpec(spec({ kubeconfigSecretRef: { name: 'kubeconfig-{{values.cluster}}' } }))).toEqual([]);
  });
  it("still checks the template's types and required fields", () => {
    expect(validateSiteSetSpec(spec({ kubeconfigSecretRef: {} })).join('\n')).toContain('name');
  });
});
