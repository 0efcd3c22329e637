// Which Secrets and ConfigMaps a Site reads, so a change to one of them reconciles the
// Sites that use it. Pure.

import type { Site } from '../api/types.js';

export interface References {
  secrets: string[];
  configMaps: string[];
}

export function referencesOf(site: Site): References {
  const s = site.spec ?? { source: {} };
  const secrets = [
    s.source?.git?.secretRef?.name,
    s.target?.kubeconfigSecretRef?.name,
    s.ironic?.credentialsSecretRef?.name,
  ].filter((n): n is string => !!n);
  const configMaps = (s.source?.inline?.configMapRefs ?? []).map((r) => r.name);
  return { secrets: [...new Set(secrets)], configMaps: [...new Set(configMaps)] };
}

/** Keys ("namespace/name") of the Sites among `sites` that reference the object. */
export function sitesReferencing(
  sites: readonly Site[],
  kind: 'Secret' | 'ConfigMap',
  namespace: string,
  name: string,
): string[] {
  return sites
    .filter((site) => (site.metadata.namespace ?? 'default') === namespace)
    .filter((site) => (kind === 'Secret' ? referencesOf(site).secrets : referencesOf(site).configMaps).includes(name))
    .map((site) => `${namespace}/${site.metadata.name}`);
}
