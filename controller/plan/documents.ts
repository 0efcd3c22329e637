// Looking up the documents a plan reads, by schema and name.

import type { Json, RenderedDocument } from '../documents/types.js';
import type { StepOrigin } from './types.js';

export const MANIFEST = 'armada/Manifest/v1';
export const CHART_GROUP = 'armada/ChartGroup/v1';
export const CHART = 'armada/Chart/v1';
export const BAREMETAL_NODE = 'drydock/BaremetalNode/v1';
export const BAREMETAL_HOST = 'slipway/BaremetalHost/v1';
export const DEPLOYMENT_CONFIGURATION = 'shipyard/DeploymentConfiguration/v1';

export class DocumentIndex {
  private readonly bySchema = new Map<string, Map<string, RenderedDocument>>();

  constructor(documents: RenderedDocument[]) {
    for (const d of documents) {
      let m = this.bySchema.get(d.schema);
      if (!m) this.bySchema.set(d.schema, (m = new Map()));
      m.set(d.metadata.name, d);
    }
  }

  get(schema: string, name: string): RenderedDocument | undefined {
    return this.bySchema.get(schema)?.get(name);
  }

  all(schema: string): RenderedDocument[] {
    return [...(this.bySchema.get(schema)?.values() ?? [])];
  }
}

export function origin(doc: RenderedDocument): StepOrigin {
  const { line } = doc.source.file.position(doc.source.offset);
  return { schema: doc.schema, name: doc.metadata.name, at: `${doc.source.file.path}:${line}` };
}

export function obj(v: Json | undefined): { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** Secret paths of a document that lie under `prefix`, re-rooted at it (".values.a" → ".a"). */
export function secretPathsUnder(doc: RenderedDocument, prefix: string): string[] {
  return doc.secretPaths
    .filter((p) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`))
    .map((p) => p.slice(prefix.length) || '.');
}
