// A synthetic site of many releases of one tiny chart, in ordered groups, for the workflow
// benchmark: a LayeringPolicy, a Manifest, G chart groups, R charts of charts/demo-config.
// The chart is copied beside the documents' folder (root/chart, root/site/site.yaml): a local
// chart is read only from inside the site's repository, and the documents' folder holds
// nothing but documents.

import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReleaseSite {
  /** The folder holding everything (removed by the caller). */
  root: string;
  /** The documents' folder: what is planned. */
  documents: string;
  namespaces: string[];
  releases: number;
}

export async function createReleaseSite(options: {
  releases: number;
  groups: number;
  chartPath: string;
  prefix: string;
}): Promise<ReleaseSite> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-wf-bench-'));
  const chartPath = join(root, 'chart');
  const documents = join(root, 'site');
  await mkdir(documents);
  await cp(options.chartPath, chartPath, { recursive: true });
  const docs: string[] = [
    'schema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: layering-policy}\ndata: {layerOrder: [site]}\n',
  ];
  const meta = (name: string) =>
    `metadata: {schema: metadata/Document/v1, name: ${name}, layeringDefinition: {layer: site}, storagePolicy: cleartext}`;
  const groups = Array.from({ length: options.groups }, (_, g) => `group-${g}`);
  docs.push(
    `schema: armada/Manifest/v1\n${meta('bench')}\ndata: {release_prefix: ${options.prefix}, chart_groups: [${groups.join(', ')}]}\n`,
  );
  const perGroup = Math.ceil(options.releases / options.groups);
  const namespaces: string[] = [];
  for (let g = 0; g < options.groups; g++) {
    const charts = Array.from({ length: perGroup }, (_, i) => `chart-${g}-${i}`);
    const ns = `${options.prefix}-g${g}`;
    namespaces.push(ns);
    docs.push(
      `schema: armada/ChartGroup/v1\n${meta(groups[g]!)}\ndata: {sequenced: false, chart_group: [${charts.join(', ')}]}\n`,
    );
    for (const c of charts) {
      docs.push(
        `schema: armada/Chart/v1\n${meta(c)}\ndata:\n  chart_name: demo-config\n  release: ${c}\n  namespace: ${ns}\n  source: {type: local, location: '${chartPath}'}\n  wait: {timeout: 120}\n  values: {data: {release: ${c}, group: '${g}'}}\n`,
      );
    }
  }
  await writeFile(join(documents, 'site.yaml'), docs.map((d) => `---\n${d}`).join(''));
  return { root, documents, namespaces, releases: perGroup * options.groups };
}
