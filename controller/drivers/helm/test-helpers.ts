// Shared test inputs: a base ReleaseSpec for table rows to modify.
import type { ReleaseSpec } from '../types.js';

export function baseSpec(edit: (s: ReleaseSpec) => void = () => {}): ReleaseSpec {
  const spec: ReleaseSpec = {
    name: 'lab-ingress',
    namespace: 'ingress',
    chartPath: '/repo/charts/ingress',
    values: { replicas: 2, password: 's3cr3t-value' },
    wait: { enabled: true, timeoutSeconds: 600 },
    test: { enabled: false, timeoutSeconds: 300 },
    preUpgradeDelete: [],
    protected: false,
    timeoutSeconds: 900,
    digest: '0123456789abcdef0123456789abcdef',
  };
  edit(spec);
  return spec;
}
