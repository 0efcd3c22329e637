// A synthetic site of many releases of one tiny chart, in ordered groups, for the workflow
// benchmarks: a LayeringPolicy, a Manifest, G chart groups, R charts of charts/demo-config.
// The chart is copied beside the documents' folder (root/chart, root/site/site.yaml): a local
// chart is read only from inside the site's repository, and the documents' folder holds
// nothing but documents. `releaseSiteText` is the documents alone (for a ConfigMap).

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

export interface ReleaseSiteShape {
  releases: number;
  groups: number;
  prefix: string;
  /** A value of one chart's data, by chart document name (chart-<group>-<index>): what a change edits. */
  values?: Record<string, string>;
}

/** The documents as one multi-document YAML text, the charts' source at `chartPath`. Pure. */
export function releaseSiteText(
  shape: ReleaseSiteShape,
  chartPath: string,
): { text: string; namespaces: string[]; releases: number; charts: string[] } {
  const docs: string[] = [
    'schema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: layering-policy}\ndata: {layerOrder: [site]}\n',
  ];
  const meta = (name: string) =>
    `metadata: {schema: metadata/Document/v1, name: ${name}, layeringDefinition: {layer: site}, storagePolicy: cleartext}`;
  const groups = Array.from({ length: shape.groups }, (_, g) => `group-${g}`);
  docs.push(
    `schema: armada/Manifest/v1\n${meta('bench')}\ndata: {release_prefix: ${shape.prefix}, chart_groups: [${groups.join(', ')}]}\n`,
  );
  const perGroup = Math.ceil(shape.releases / shape.groups);
  const namespaces: string[] = [];
  const all: string[] = [];
  for (let g = 0; g < shape.groups; g++) {
    const charts = Array.from({ length: perGroup }, (_, i) => `chart-${g}-${i}`);
    const ns = `${shape.prefix}-g${g}`;
    namespaces.push(ns);
    docs.push(
      `schema: armada/ChartGroup/v1\n${meta(groups[g]!)}\ndata: {sequenced: false, chart_group: [${charts.join(', ')}]}\n`,
    );
    for (const c of charts) {
      all.push(c);
      const value = shape.values?.[c] ?? '0';
      docs.push(
        `schema: armada/Chart/v1\n${meta(c)}\ndata:\n  chart_name: demo-config\n  release: ${c}\n  namespace: ${ns}\n  source: {type: local, location: '${chartPath}'}\n  wait: {timeout: 120}\n  values: {data: {release: ${c}, group: '${g}', value: '${value}'}}\n`,
      );
    }
  }
  return { text: docs.map((d) => `---\n${d}`).join(''), namespaces, releases: perGroup * shape.groups, charts: all };
}

/** A copy of the chart at `chartPath` in a new temp folder: `root/chart`. */
export async function chartFolder(chartPath: string): Promise<{ root: string; chartPath: string }> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-wf-bench-'));
  const copy = join(root, 'chart');
  await cp(chartPath, copy, { recursive: true });
  return { root, chartPath: copy };
}

export async function createReleaseSite(options: ReleaseSiteShape & { chartPath: string }): Promise<ReleaseSite> {
  const { root, chartPath } = await chartFolder(options.chartPath);
  const documents = join(root, 'site');
  await mkdir(documents);
  const site = releaseSiteText(options, chartPath);
  await writeFile(join(documents, 'site.yaml'), site.text);
  return { root, documents, namespaces: site.namespaces, releases: site.releases };
}
