// Armada documents → release steps: the manifest's chart groups in order, each chart a
// ReleaseSpec with its digest (chart content + merged values).

import { resolve } from "node:path";
import type { Json, JsonObject, RenderedDocument } from "../documents/types.js";
import type { ReleaseSpec, WaitSpec } from "../drivers/types.js";
import type { Problems } from "../problems/index.js";
import { locatePath } from "../documents/parse.js";
import { digestOf } from "./digest.js";
import { namespaceProblem, releaseNameProblem } from "./names.js";
import { CHART, CHART_GROUP, DEPLOYMENT_CONFIGURATION, DocumentIndex, MANIFEST, obj, origin, secretPathsUnder } from "./documents.js";
import type { Phase, PlanInput, ReleaseStep } from "./types.js";

const DEFAULT_TIMEOUT_SECONDS = 600;

/** The manifest to deploy: the one the DeploymentConfiguration names, else the only one. */
export function selectManifest(index: DocumentIndex, problems: Problems): RenderedDocument | undefined {
  const manifests = index.all(MANIFEST);
  const config = index.all(DEPLOYMENT_CONFIGURATION)[0];
  const named = config ? obj(obj(config.data).armada).manifest : undefined;
  if (typeof named === "string") {
    const m = index.get(MANIFEST, named);
    if (!m) problems.error("ManifestNotFound", `${DEPLOYMENT_CONFIGURATION} ${config!.metadata.name} names manifest '${named}', which is not among the rendered documents`, { source: config!.source });
    return m;
  }
  if (manifests.length > 1) {
    problems.error("ManifestNotSelected", `${manifests.length} ${MANIFEST} documents (${manifests.map((m) => m.metadata.name).join(", ")}) and no ${DEPLOYMENT_CONFIGURATION} naming one`);
    return undefined;
  }
  return manifests[0];
}

/** Chart paths (absolute) every chart of the manifest uses, so their digests can be computed first. */
export function chartPaths(index: DocumentIndex, manifest: RenderedDocument, root: string): string[] {
  const paths = new Set<string>();
  for (const group of stringList(obj(manifest.data).chart_groups)) {
    const g = index.get(CHART_GROUP, group);
    for (const name of g ? stringList(obj(g.data).chart_group) : []) {
      const c = index.get(CHART, name);
      const p = c ? chartPath(c, root) : undefined;
      if (p) paths.add(p);
    }
  }
  return [...paths];
}

export function chartPath(chart: RenderedDocument, root: string): string | undefined {
  const source = obj(obj(chart.data).source);
  if (source.type !== "local" && source.type !== "tar") return undefined;
  if (typeof source.location !== "string") return undefined;
  return resolve(root, source.location, typeof source.subpath === "string" && source.type === "local" ? source.subpath : ".");
}

export function releasePhases(index: DocumentIndex, manifest: RenderedDocument, input: Pick<PlanInput, "root" | "chartDigests" | "outsideRepository">, problems: Problems): Phase[] {
  const data = obj(manifest.data);
  const prefix = typeof data.release_prefix === "string" ? data.release_prefix : "";
  const phases: Phase[] = [];
  const seen = new Map<string, string>();
  for (const groupName of stringList(data.chart_groups)) {
    const group = index.get(CHART_GROUP, groupName);
    if (!group) {
      problems.error("ChartGroupNotFound", `manifest ${manifest.metadata.name} lists chart group '${groupName}', which is not among the rendered documents`, { source: manifest.source });
      continue;
    }
    const g = obj(group.data);
    const phase: Phase = { name: groupName, kind: "chart-group", sequenced: g.sequenced === true, steps: [] };
    if (typeof g.description === "string") phase.description = g.description;
    for (const chartName of stringList(g.chart_group)) {
      const chart = index.get(CHART, chartName);
      if (!chart) {
        problems.error("ChartNotFound", `chart group ${groupName} lists chart '${chartName}', which is not among the rendered documents`, { source: group.source });
        continue;
      }
      const step = releaseStep(chart, prefix, groupName, input, problems);
      if (!step) continue;
      const key = `${step.spec.namespace}/${step.spec.name}`;
      const other = seen.get(key);
      if (other) {
        problems.error("DuplicateRelease", `charts ${other} and ${chartName} both deploy release ${key}`, { source: chart.source });
        continue;
      }
      seen.set(key, chartName);
      phase.steps.push(step);
    }
    phases.push(phase);
  }
  return phases;
}

function releaseStep(chart: RenderedDocument, prefix: string, group: string, input: Pick<PlanInput, "root" | "chartDigests" | "outsideRepository">, problems: Problems): ReleaseStep | undefined {
  const d = obj(chart.data);
  const source = obj(d.source);
  const path = chartPath(chart, input.root);
  if (!path) {
    problems.error("UnsupportedChartSource", `chart ${chart.metadata.name}: source type '${String(source.type)}' is not supported (local or tar)`, { source: chart.source });
    return undefined;
  }
  const outside = input.outsideRepository?.get(path);
  if (outside !== undefined) {
    problems.error("PathOutsideRepository", `chart ${chart.metadata.name}: source location '${String(source.location)}' resolves to ${outside}, outside the site's repository`, { source: locatePath(chart, ["data", "source", "location"]), document: { schema: chart.schema, name: chart.metadata.name } });
    return undefined;
  }
  const chartDigest = input.chartDigests.get(path);
  if (!chartDigest) {
    problems.error("ChartSourceNotFound", `chart ${chart.metadata.name}: no chart at ${path}`, { source: chart.source });
    return undefined;
  }
  const release = typeof d.release === "string" ? d.release : chart.metadata.name;
  const name = prefix ? `${prefix}-${release}` : release;
  const namespace = typeof d.namespace === "string" ? d.namespace : "default";
  const badName = releaseNameProblem(name);
  const badNamespace = namespaceProblem(namespace);
  if (badName || badNamespace) {
    const document = { schema: chart.schema, name: chart.metadata.name };
    if (badName) problems.error("InvalidReleaseName", `chart ${chart.metadata.name}: ${badName}${prefix ? ` (release_prefix '${prefix}' + release '${release}')` : ""}`, { source: locatePath(chart, ["data", "release"]), document });
    if (badNamespace) problems.error("InvalidNamespace", `chart ${chart.metadata.name}: ${badNamespace}`, { source: locatePath(chart, ["data", "namespace"]), document });
    return undefined;
  }
  const values = obj(d.values) as JsonObject;
  const timeout = seconds(obj(d.wait).timeout) ?? seconds(d.timeout) ?? DEFAULT_TIMEOUT_SECONDS;
  const test = obj(d.test);
  const spec: ReleaseSpec = {
    name,
    namespace,
    chartPath: path,
    values,
    wait: waitSpec(obj(d.wait), timeout),
    test: { enabled: test.enabled === true, timeoutSeconds: seconds(test.timeout) ?? timeout },
    preUpgradeDelete: preUpgradeDelete(obj(obj(obj(d.upgrade).pre))),
    protected: d.protected !== undefined && d.protected !== null && d.protected !== false,
    timeoutSeconds: timeout,
    digest: digestOf({ chart: chartDigest, values, namespace: d.namespace ?? "default" }),
  };
  return {
    kind: "release",
    id: `release/${spec.namespace}/${spec.name}`,
    phase: group,
    dependsOn: [],
    digest: spec.digest,
    origin: origin(chart),
    secretPaths: secretPathsUnder(chart, ".values").map((p) => `.values${p === "." ? "" : p}`),
    spec,
  };
}

function waitSpec(w: { [k: string]: Json }, timeout: number): WaitSpec {
  const spec: WaitSpec = { enabled: w.native === undefined || obj(w.native).enabled !== false, timeoutSeconds: timeout };
  if (Object.keys(obj(w.labels)).length) spec.labels = stringMap(obj(w.labels));
  if (Array.isArray(w.resources)) {
    spec.resources = w.resources.map((r) => {
      const o = obj(r);
      const res: NonNullable<WaitSpec["resources"]>[number] = { type: String(o.type) };
      if (o.labels) res.labels = stringMap(obj(o.labels));
      if (typeof o.min_ready === "number" || typeof o.min_ready === "string") res.minReady = o.min_ready;
      return res;
    });
  }
  return spec;
}

function preUpgradeDelete(pre: { [k: string]: Json }): ReleaseSpec["preUpgradeDelete"] {
  const list = Array.isArray(pre.delete) ? pre.delete : [];
  return list.map((x) => {
    const o = obj(x);
    return { type: o.type === "pod" ? "pod" : "job", labels: stringMap(obj(o.labels)) };
  });
}

function seconds(v: Json | undefined): number | undefined {
  return typeof v === "number" && v > 0 ? v : undefined;
}

function stringList(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function stringMap(o: { [k: string]: Json }): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}
