// Armada documents → release steps: the manifest's chart groups in order, each chart a
// ReleaseSpec with its digest (fetched chart content, dependencies included + merged values).

import { locatePath } from '../documents/parse.js';
import type { Json, JsonObject, RenderedDocument } from '../documents/types.js';
import type { DriftIgnoreRule, ReleaseSpec, WaitSpec } from '../drivers/types.js';
import type { Problems } from '../problems/index.js';
import type { ChartRequest, FetchedChart } from '../source/chart-sources.js';
import { digestOf } from './digest.js';
import {
  CHART,
  CHART_GROUP,
  DEPLOYMENT_CONFIGURATION,
  type DocumentIndex,
  MANIFEST,
  obj,
  origin,
  secretPathsUnder,
} from './documents.js';
import { namespaceProblem, releaseNameProblem } from './names.js';
import type { Phase, ReleaseStep } from './types.js';

const DEFAULT_TIMEOUT_SECONDS = 600;

/** The manifest to deploy: the one the DeploymentConfiguration names, else the only one. */
export function selectManifest(index: DocumentIndex, problems: Problems): RenderedDocument | undefined {
  const manifests = index.all(MANIFEST);
  const config = index.all(DEPLOYMENT_CONFIGURATION)[0];
  const named = config ? obj(obj(config.data).armada).manifest : undefined;
  if (typeof named === 'string') {
    const m = index.get(MANIFEST, named);
    if (!m)
      problems.error(
        'ManifestNotFound',
        `${DEPLOYMENT_CONFIGURATION} ${config!.metadata.name} names manifest '${named}', which is not among the rendered documents`,
        { source: config!.source },
      );
    return m;
  }
  if (manifests.length > 1) {
    problems.error(
      'ManifestNotSelected',
      `${manifests.length} ${MANIFEST} documents (${manifests.map((m) => m.metadata.name).join(', ')}) and no ${DEPLOYMENT_CONFIGURATION} naming one`,
    );
    return undefined;
  }
  return manifests[0];
}

/** Every chart the manifest deploys and every chart they depend on (Armada `dependencies`), each once. */
export function chartsUsed(index: DocumentIndex, manifest: RenderedDocument, problems: Problems): ChartRequest[] {
  const out = new Map<string, ChartRequest>();
  const visit = (chart: RenderedDocument) => {
    if (out.has(chart.metadata.name)) return;
    const d = obj(chart.data);
    const dependencies: string[] = [];
    out.set(chart.metadata.name, {
      name: chart.metadata.name,
      chartName: typeof d.chart_name === 'string' ? d.chart_name : chart.metadata.name,
      source: obj(d.source),
      dependencies,
      at: chart.source,
      locationAt: () => locatePath(chart, ['data', 'source', 'location']),
    });
    for (const dep of stringList(d.dependencies)) {
      const c = index.get(CHART, dep);
      if (!c) {
        // Armada stops the whole manifest here; treasuremap v1.9 names a `ceph-htk` it never defines, so Slipway plans the chart without it and says so.
        problems.warning(
          'ChartDependencyNotFound',
          `chart ${chart.metadata.name} depends on chart '${dep}', which is not among the rendered documents: it is deployed without it (Armada would refuse the manifest)`,
          { source: chart.source },
        );
        continue;
      }
      dependencies.push(dep);
      visit(c);
    }
  };
  for (const group of stringList(obj(manifest.data).chart_groups)) {
    const g = index.get(CHART_GROUP, group);
    for (const name of g ? stringList(obj(g.data).chart_group) : []) {
      const c = index.get(CHART, name);
      if (c) visit(c);
    }
  }
  return [...out.values()];
}

export function releasePhases(
  index: DocumentIndex,
  manifest: RenderedDocument,
  input: { charts: ReadonlyMap<string, FetchedChart> },
  problems: Problems,
): Phase[] {
  const data = obj(manifest.data);
  const prefix = typeof data.release_prefix === 'string' ? data.release_prefix : '';
  const phases: Phase[] = [];
  const seen = new Map<string, string>();
  for (const groupName of stringList(data.chart_groups)) {
    const group = index.get(CHART_GROUP, groupName);
    if (!group) {
      problems.error(
        'ChartGroupNotFound',
        `manifest ${manifest.metadata.name} lists chart group '${groupName}', which is not among the rendered documents`,
        { source: manifest.source },
      );
      continue;
    }
    const g = obj(group.data);
    const phase: Phase = { name: groupName, kind: 'chart-group', sequenced: g.sequenced === true, steps: [] };
    if (typeof g.description === 'string') phase.description = g.description;
    for (const chartName of stringList(g.chart_group)) {
      const chart = index.get(CHART, chartName);
      if (!chart) {
        problems.error(
          'ChartNotFound',
          `chart group ${groupName} lists chart '${chartName}', which is not among the rendered documents`,
          { source: group.source },
        );
        continue;
      }
      const step = releaseStep(chart, prefix, groupName, input, problems);
      if (!step) continue;
      const key = `${step.spec.namespace}/${step.spec.name}`;
      const other = seen.get(key);
      if (other) {
        problems.error('DuplicateRelease', `charts ${other} and ${chartName} both deploy release ${key}`, {
          source: chart.source,
        });
        continue;
      }
      seen.set(key, chartName);
      phase.steps.push(step);
    }
    phases.push(phase);
  }
  return phases;
}

function releaseStep(
  chart: RenderedDocument,
  prefix: string,
  group: string,
  input: { charts: ReadonlyMap<string, FetchedChart> },
  problems: Problems,
): ReleaseStep | undefined {
  const d = obj(chart.data);
  const fetched = input.charts.get(chart.metadata.name);
  if (!fetched) {
    problems.error('ChartSourceNotFound', `chart ${chart.metadata.name}: its source was not fetched`, {
      source: chart.source,
    });
    return undefined;
  }
  const release = typeof d.release === 'string' ? d.release : chart.metadata.name;
  const name = prefix ? `${prefix}-${release}` : release;
  const namespace = typeof d.namespace === 'string' ? d.namespace : 'default';
  const badName = releaseNameProblem(name);
  const badNamespace = namespaceProblem(namespace);
  if (badName || badNamespace) {
    const document = { schema: chart.schema, name: chart.metadata.name };
    if (badName)
      problems.error(
        'InvalidReleaseName',
        `chart ${chart.metadata.name}: ${badName}${prefix ? ` (release_prefix '${prefix}' + release '${release}')` : ''}`,
        { source: locatePath(chart, ['data', 'release']), document },
      );
    if (badNamespace)
      problems.error('InvalidNamespace', `chart ${chart.metadata.name}: ${badNamespace}`, {
        source: locatePath(chart, ['data', 'namespace']),
        document,
      });
    return undefined;
  }
  const values = obj(d.values) as JsonObject;
  const timeout = seconds(obj(d.wait).timeout) ?? seconds(d.timeout) ?? DEFAULT_TIMEOUT_SECONDS;
  const test = obj(d.test);
  const spec: ReleaseSpec = {
    name,
    namespace,
    chartPath: fetched.path,
    values,
    wait: waitSpec(obj(d.wait), timeout),
    test: { enabled: testEnabled(d.test), timeoutSeconds: seconds(test.timeout) ?? timeout },
    preUpgradeDelete: preUpgradeDelete(obj(obj(obj(d.upgrade).pre))),
    protected: d.protected !== undefined && d.protected !== null && d.protected !== false,
    timeoutSeconds: timeout,
    digest: digestOf({ chart: fetched.digest, values, namespace: d.namespace ?? 'default' }),
  };
  const ignore = driftIgnore(obj(d.drift).ignore);
  if (ignore.length) spec.driftIgnore = ignore;
  return {
    kind: 'release',
    id: `release/${spec.namespace}/${spec.name}`,
    phase: group,
    dependsOn: [],
    digest: spec.digest,
    origin: origin(chart),
    secretPaths: secretPathsUnder(chart, '.values').map((p) => `.values${p === '.' ? '' : p}`),
    spec,
  };
}

/** The chart's `drift.ignore` (validated by the armada/Chart/v1 schema). Not part of the digest. */
function driftIgnore(rules: Json | undefined): DriftIgnoreRule[] {
  if (!Array.isArray(rules)) return [];
  return rules.map((r) => {
    const o = obj(r);
    const rule: DriftIgnoreRule = { paths: Array.isArray(o.paths) ? o.paths.map(String) : [] };
    const t = obj(o.target);
    const target: NonNullable<DriftIgnoreRule['target']> = {};
    if (typeof t.kind === 'string') target.kind = t.kind;
    if (typeof t.name === 'string') target.name = t.name;
    if (typeof t.namespace === 'string') target.namespace = t.namespace;
    if (Object.keys(target).length) rule.target = target;
    return rule;
  });
}

function waitSpec(w: { [k: string]: Json }, timeout: number): WaitSpec {
  const spec: WaitSpec = {
    enabled: w.native === undefined || obj(w.native).enabled !== false,
    timeoutSeconds: timeout,
  };
  if (Object.keys(obj(w.labels)).length) spec.labels = stringMap(obj(w.labels));
  if (Array.isArray(w.resources)) {
    spec.resources = w.resources.map((r) => {
      const o = obj(r);
      const res: NonNullable<WaitSpec['resources']>[number] = { type: String(o.type) };
      if (o.labels) res.labels = stringMap(obj(o.labels));
      if (typeof o.min_ready === 'number' || typeof o.min_ready === 'string') res.minReady = o.min_ready;
      return res;
    });
  }
  return spec;
}

/**
 * Armada runs a chart's helm tests unless its document turns them off: `test.enabled: false`,
 * or the older boolean `test: false` (armada/handlers/test.py: enabled by default).
 */
function testEnabled(test: Json | undefined): boolean {
  if (typeof test === 'boolean') return test;
  return obj(test).enabled !== false;
}

function preUpgradeDelete(pre: { [k: string]: Json }): ReleaseSpec['preUpgradeDelete'] {
  const list = Array.isArray(pre.delete) ? pre.delete : [];
  return list.map((x) => {
    const o = obj(x);
    return { type: o.type === 'pod' ? 'pod' : 'job', labels: stringMap(obj(o.labels)) };
  });
}

function seconds(v: Json | undefined): number | undefined {
  return typeof v === 'number' && v > 0 ? v : undefined;
}

function stringList(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stringMap(o: { [k: string]: Json }): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}
