// render: raw documents → the concrete documents of one site (Deckhand layering, then
// substitution, in one dependency order). Pure: no I/O; problems are collected, not thrown.

import { isControl, isEncrypted, layerOf, type RenderedDocument, type SourceDocument } from '../documents/types.js';
import type { Problem, Problems } from '../problems/index.js';
import {
  applyActions,
  assignLayers,
  checkReplacements,
  LayeringError,
  layerOrderOf,
  selectParents,
} from './layering.js';
import { clone, isMapping } from './merge.js';
import { nodeName, problemAt, type RenderNode } from './model.js';
import { newTrace, type RenderOptions } from './options.js';
import { ancestorOf, dependenciesOf, renderOrder } from './order.js';
import { formatPath, PathSyntaxError } from './path.js';
import { markSharedSecrets } from './shared-secrets.js';
import { type SourceLookup, SubstitutionError, substituteAll } from './substitution.js';

export type { RenderedDocument } from '../documents/types.js';
export type { RenderNode } from './model.js';
export { newTrace, type QuirkTrace, RENDER_COMPAT_MODES, type RenderCompat, type RenderOptions } from './options.js';
export { type OutputDocument, REDACTED, redactDocument } from './redact.js';

export function render(
  documents: SourceDocument[],
  problems: Problems,
  options: RenderOptions = {},
): RenderedDocument[] {
  return renderWithNodes(documents, problems, options).rendered;
}

/** The rendered documents and every node behind them (abstract ones too), for comparing two renderings. */
export function renderWithNodes(
  documents: SourceDocument[],
  problems: Problems,
  options: RenderOptions = {},
): { rendered: RenderedDocument[]; nodes: RenderNode[] } {
  const found: Problem[] = [];
  // Deckhand's shallow copies let a substitution write into its source's data: never the input's.
  const nodes = uniqueNodes(documents, found, options.compat === 'deckhand');
  // Deckhand mode always keeps a trace: its shared copies can carry secrets (shared-secrets.ts).
  const rendered = renderNodes(
    nodes,
    found,
    options.compat === 'deckhand' && !options.trace ? { ...options, trace: newTrace() } : options,
  );
  problems.addAll(found);
  return { rendered, nodes };
}

function uniqueNodes(documents: SourceDocument[], found: Problem[], ownData: boolean): RenderNode[] {
  const seen = new Map<string, RenderNode>();
  const nodes: RenderNode[] = [];
  documents.forEach((doc, index) => {
    const control = isControl(doc);
    const layer = control ? undefined : layerOf(doc);
    const node: RenderNode = {
      doc,
      index,
      layer,
      layerIndex: -1,
      abstract: !control && doc.metadata.layeringDefinition?.abstract === true,
      control,
      // structuredClone keeps what a YAML alias shares within the document shared, as PyYAML does.
      data: ownData ? structuredClone(doc.data) : doc.data,
      secretPaths: [],
      failed: false,
    };
    const key = `${doc.schema}\u0000${doc.metadata.name}\u0000${layer ?? ''}`;
    const first = seen.get(key);
    if (first) {
      found.push(
        problemAt(
          node,
          'DuplicateDocumentExists',
          `${nodeName(node)} is defined twice; the first is at ${where(first)}`,
        ),
      );
      return;
    }
    seen.set(key, node);
    nodes.push(node);
  });
  return nodes;
}

function where(n: RenderNode): string {
  const { line } = n.doc.source.file.position(n.doc.source.offset);
  return `${n.doc.source.file.path}:${line}`;
}

function renderNodes(nodes: RenderNode[], found: Problem[], options: RenderOptions): RenderedDocument[] {
  const layered = nodes.filter((n) => !n.control);
  if (layered.length > 0) {
    const order = layerOrderOf(nodes, found);
    if (!order) return [];
    const policy = nodes.find((n) => n.doc.metadata.name === order.policyName && n.control);
    const declared =
      policy && isMapping(policy.data) && Array.isArray(policy.data.layerOrder)
        ? policy.data.layerOrder.map(String)
        : order.layers;
    assignLayers(layered, order, declared, found);
    selectParents(layered, found);
    checkReplacements(layered, found);
  }
  const lookup = sourceLookup(nodes);
  for (const n of renderOrder(nodes, lookup, found)) renderNode(n, lookup, found, options);
  if (options.compat === 'deckhand' && options.trace) markSharedSecrets(nodes, options.trace);
  return nodes.filter((n) => !n.abstract && !n.replacedBy && !n.failed).map(toRendered);
}

/** Concrete documents by (schema, name); a replaced document resolves to its replacement. */
function sourceLookup(nodes: RenderNode[]): SourceLookup {
  const byName = new Map<string, RenderNode>();
  for (const n of nodes) {
    const key = `${n.doc.schema}\u0000${n.doc.metadata.name}`;
    if (n.doc.metadata.replacement === true && n.parent?.replacedBy === n) {
      byName.set(key, n);
    } else if (!n.abstract && !byName.has(key)) {
      byName.set(key, n.replacedBy ?? n);
    }
  }
  return (schema, name) => byName.get(`${schema}\u0000${name}`);
}

function renderNode(n: RenderNode, lookup: SourceLookup, found: Problem[], options: RenderOptions): void {
  if (n.failed || n.control) return;
  if (dependenciesOf(n, lookup).some((d) => d.failed)) {
    n.failed = true; // the dependency's own problem explains it
    return;
  }
  const ancestor = ancestorOf(n);
  const actions = n.doc.metadata.layeringDefinition?.actions ?? [];
  if (ancestor && actions.length > 0) {
    try {
      const trace = options.trace;
      n.data = applyActions(ancestor.data, n.doc.data, actions, {
        compat: options.compat,
        onMisplacedDelete:
          trace && ((actionIndex, path, removedAt) => trace.deletes.push({ node: n, actionIndex, path, removedAt })),
      });
      // Data inherited from an encrypted parent stays a secret in a cleartext child: all of it.
      n.secretPaths = isEncrypted(ancestor.doc) && !isEncrypted(n.doc) ? [[]] : [...ancestor.secretPaths];
    } catch (e) {
      n.failed = true;
      if (e instanceof LayeringError) {
        found.push(
          problemAt(n, e.code, `${nodeName(n)} (parent ${nodeName(ancestor)}): ${e.message}`, [
            'metadata',
            'layeringDefinition',
            'actions',
            e.actionIndex,
          ]),
        );
      } else if (e instanceof PathSyntaxError) {
        found.push(
          problemAt(n, 'MissingDocumentKey', `${nodeName(n)}: ${e.message}`, [
            'metadata',
            'layeringDefinition',
            'actions',
          ]),
        );
      } else throw e;
      return;
    }
  }
  if ((n.doc.metadata.substitutions ?? []).length > 0) {
    if (n.data === n.doc.data) n.data = clone(n.data);
    try {
      substituteAll(n, lookup, options);
    } catch (e) {
      n.failed = true;
      if (e instanceof SubstitutionError) {
        found.push(
          problemAt(n, e.code, `${nodeName(n)}: substitution ${e.substitutionIndex}: ${e.message}`, [
            'metadata',
            'substitutions',
            e.substitutionIndex,
          ]),
        );
      } else if (e instanceof PathSyntaxError) {
        found.push(problemAt(n, 'MissingDocumentKey', `${nodeName(n)}: ${e.message}`, ['metadata', 'substitutions']));
      } else throw e;
    }
  }
}

function toRendered(n: RenderNode): RenderedDocument {
  const doc = {
    schema: n.doc.schema,
    metadata: n.doc.metadata,
    data: n.data,
    source: n.doc.source,
    secretPaths: n.secretPaths.map(formatPath),
  };
  // The source's node tree is built only if something asks for a position (see documents/parse.ts).
  return Object.defineProperty(doc, 'node', { enumerable: false, get: () => n.doc.node }) as RenderedDocument;
}
