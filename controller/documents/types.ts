// The document envelope Airship defined (schema / metadata / data) and the Deckhand
// metadata Slipway reads. These are the types every later stage works with.

import type { Document as YamlDocument } from 'yaml';
import type { SourceRef } from '../problems/index.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const DOCUMENT_METADATA = 'metadata/Document/v1';
export const CONTROL_METADATA = 'metadata/Control/v1';
export const LAYERING_POLICY = 'deckhand/LayeringPolicy/v1';
export const DATA_SCHEMA = 'deckhand/DataSchema/v1';
export const VALIDATION_POLICY = 'deckhand/ValidationPolicy/v1';

export type LayeringMethod = 'merge' | 'replace' | 'delete';

export interface LayeringAction {
  method: LayeringMethod | string;
  path: string;
}

export interface LayeringDefinition {
  layer: string;
  abstract?: boolean;
  parentSelector?: Record<string, string>;
  actions?: LayeringAction[];
}

export interface SubstitutionSource {
  schema: string;
  name: string;
  path: string;
  pattern?: string;
  match_group?: number;
}

export interface SubstitutionDestination {
  path: string;
  pattern?: string;
  recurse?: { depth: number };
}

export interface Substitution {
  src: SubstitutionSource;
  dest: SubstitutionDestination | SubstitutionDestination[];
}

export interface Metadata {
  schema: string;
  name: string;
  storagePolicy?: 'cleartext' | 'encrypted';
  labels?: Record<string, string>;
  layeringDefinition?: LayeringDefinition;
  substitutions?: Substitution[];
  replacement?: boolean;
  [key: string]: unknown;
}

/** A document as written: the envelope plus where it came from. */
export interface SourceDocument {
  schema: string;
  metadata: Metadata;
  data: Json;
  /** Where the document starts (its first line). */
  source: SourceRef;
  /** The parsed YAML node tree, for locating any path inside the document. */
  node: YamlDocument.Parsed;
}

/** A concrete, rendered document: what `slipway render` prints and later stages consume. */
export interface RenderedDocument {
  schema: string;
  metadata: Metadata;
  data: Json;
  source: SourceRef;
  node: YamlDocument.Parsed;
  /** Paths in `data` (Deckhand syntax) whose values came from encrypted documents. */
  secretPaths: string[];
}

export function isControl(doc: { metadata: Metadata }): boolean {
  return doc.metadata.schema === CONTROL_METADATA;
}

export function layerOf(doc: { metadata: Metadata }): string | undefined {
  return doc.metadata.layeringDefinition?.layer;
}

export function isEncrypted(doc: { metadata: Metadata }): boolean {
  return doc.metadata.storagePolicy === 'encrypted';
}

export function docRef(doc: { schema: string; metadata: Metadata }): { schema: string; name: string; layer?: string } {
  const layer = layerOf(doc);
  return layer === undefined
    ? { schema: doc.schema, name: doc.metadata.name }
    : { schema: doc.schema, name: doc.metadata.name, layer };
}
