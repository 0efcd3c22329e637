// Layering: the layer order, each document's parent, replacements, and the merge / replace /
// delete actions that build a child's data from its parent's (Deckhand's rules).

import { type Json, LAYERING_POLICY, type LayeringAction } from '../documents/types.js';
import type { Problem } from '../problems/index.js';
import { deleteFirstEqual } from './deckhand-quirks.js';
import { clone, deepMerge, isMapping } from './merge.js';
import { nodeName, problemAt, type RenderNode } from './model.js';
import type { RenderOptions } from './options.js';
import { deletePath, formatPath, getPath, parsePath, type Segment, setPath } from './path.js';

export interface LayerOrder {
  /** Layers that hold at least one document, top (most general) first. */
  layers: string[];
  policyName: string;
}

/** The singleton LayeringPolicy's layerOrder, with empty layers dropped. */
export function layerOrderOf(nodes: RenderNode[], problems: Problem[]): LayerOrder | undefined {
  const policies = nodes.filter((n) => n.doc.schema === LAYERING_POLICY);
  if (policies.length === 0) {
    const first = nodes.find((n) => !n.control);
    if (first) {
      problems.push(
        problemAt(
          first,
          'LayeringPolicyNotFound',
          `no ${LAYERING_POLICY} document was found, so no document can be layered`,
        ),
      );
    }
    return undefined;
  }
  for (const extra of policies.slice(1)) {
    problems.push({
      ...problemAt(
        extra,
        'LayeringPolicyNotUnique',
        `more than one ${LAYERING_POLICY}; using ${nodeName(policies[0]!)}`,
      ),
      severity: 'warning',
    });
  }
  const policy = policies[0]!;
  const declared =
    isMapping(policy.data) && Array.isArray(policy.data.layerOrder) ? policy.data.layerOrder.map(String) : [];
  const used = new Set(nodes.map((n) => n.layer).filter((l): l is string => l !== undefined));
  return { layers: declared.filter((l) => used.has(l)), policyName: policy.doc.metadata.name };
}

/** Sets layerIndex on every document; a layer that is not in the layer order is an error. */
export function assignLayers(nodes: RenderNode[], order: LayerOrder, declared: string[], problems: Problem[]): void {
  for (const n of nodes) {
    if (n.control || n.layer === undefined) continue;
    n.layerIndex = order.layers.indexOf(n.layer);
    if (n.layerIndex === -1) {
      n.failed = true;
      problems.push(
        problemAt(
          n,
          'InvalidDocumentLayer',
          `layer '${n.layer}' of ${nodeName(n)} is not in the layerOrder (${declared.join(', ')}) of LayeringPolicy ${order.policyName}`,
          ['metadata', 'layeringDefinition', 'layer'],
        ),
      );
    }
  }
}

/**
 * Finds each document's parent: a document in a higher layer whose labels contain the child's
 * parentSelector; the nearest layer wins; two in that layer is IndeterminateDocumentParent;
 * a match of another schema, or in the same or a lower layer, is InvalidDocumentParent.
 */
export function selectParents(nodes: RenderNode[], problems: Problem[]): void {
  const byLabel = new Map<string, RenderNode[]>();
  for (const n of nodes) {
    if (n.control || n.layerIndex < 0) continue;
    for (const [k, v] of Object.entries(n.doc.metadata.labels ?? {})) {
      const key = `${k}\u0000${String(v)}`;
      const list = byLabel.get(key);
      if (list) list.push(n);
      else byLabel.set(key, [n]);
    }
  }
  const selectorPath = ['metadata', 'layeringDefinition', 'parentSelector'];
  for (const child of nodes) {
    const selector = child.doc.metadata.layeringDefinition?.parentSelector;
    if (child.control || child.failed || !selector) continue;
    const pairs = Object.entries(selector);
    if (pairs.length === 0) continue;
    const [k0, v0] = pairs[0]!;
    const matches = (byLabel.get(`${k0}\u0000${String(v0)}`) ?? []).filter(
      (p) => p !== child && pairs.every(([k, v]) => String(p.doc.metadata.labels?.[k]) === String(v)),
    );
    let best: RenderNode[] = [];
    for (const p of matches) {
      if (p.doc.schema !== child.doc.schema) {
        child.failed = true;
        problems.push(
          problemAt(
            child,
            'InvalidDocumentParent',
            `parentSelector of ${nodeName(child)} matches ${nodeName(p)}, but their schemas differ`,
            selectorPath,
          ),
        );
        break;
      }
      if (p.layerIndex >= child.layerIndex) {
        child.failed = true;
        problems.push(
          problemAt(
            child,
            'InvalidDocumentParent',
            `parentSelector of ${nodeName(child)} matches ${nodeName(p)}, which is not in a higher layer than '${child.layer}'`,
            selectorPath,
          ),
        );
        break;
      }
      if (best.length === 0 || p.layerIndex > best[0]!.layerIndex) best = [p];
      else if (p.layerIndex === best[0]!.layerIndex) best.push(p);
    }
    if (child.failed) continue;
    if (best.length > 1) {
      child.failed = true;
      problems.push(
        problemAt(
          child,
          'IndeterminateDocumentParent',
          `${best.length} parents found for ${nodeName(child)} in layer '${best[0]!.layer}': ${best.map(nodeName).join(', ')}; a document must have exactly one`,
          selectorPath,
        ),
      );
    } else if (best.length === 1) {
      child.parent = best[0]!;
    }
  }
}

/** Deckhand's replacement rules; marks each replaced parent with its replacement. */
export function checkReplacements(nodes: RenderNode[], problems: Problem[]): void {
  const invalid = (n: RenderNode, reason: string) => {
    n.failed = true;
    problems.push(problemAt(n, 'InvalidDocumentReplacement', `${nodeName(n)}: ${reason}`, ['metadata', 'replacement']));
  };
  const seen = new Map<string, RenderNode>();
  for (const n of nodes) {
    if (n.control || n.failed) continue;
    const parent = n.parent;
    if (n.doc.metadata.replacement === true) {
      if (!parent) invalid(n, 'a document with `replacement: true` must have a parent');
      else if (parent.doc.schema !== n.doc.schema || parent.doc.metadata.name !== n.doc.metadata.name) {
        invalid(n, 'a replacement must have the same schema and metadata.name as its parent');
      } else if (parent.doc.metadata.replacement === true) {
        invalid(n, 'a replacement document cannot itself be replaced by another document');
      } else if (parent.replacedBy) {
        invalid(n, `${nodeName(parent)} is already replaced by ${nodeName(parent.replacedBy)}`);
      } else parent.replacedBy = n;
      continue;
    }
    if (parent && parent.doc.schema === n.doc.schema && parent.doc.metadata.name === n.doc.metadata.name) {
      invalid(
        n,
        'a non-replacement document cannot have the same schema and metadata.name as its parent; add `replacement: true` or rename it',
      );
      continue;
    }
    const key = `${n.doc.schema}\u0000${n.doc.metadata.name}`;
    const other = seen.get(key);
    if (other) {
      invalid(n, `${nodeName(other)} has the same schema and metadata.name and neither replaces the other`);
    } else seen.set(key, n);
  }
}

export class LayeringError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly actionIndex: number,
  ) {
    super(message);
  }
}

/** Applies a child's actions, in order, to a copy of its parent's rendered data. */
export function applyActions(
  parentData: Json,
  childData: Json,
  actions: LayeringAction[],
  options: ActionOptions = {},
): Json {
  let result: Json = clone(parentData) ?? {};
  if (result === null) result = {};
  actions.forEach((action, i) => {
    result = applyAction(result, childData ?? {}, action, i, options);
  });
  return result;
}

export interface ActionOptions {
  /** `deckhand`: a delete removes the first value equal to the one at its path (Deckhand's deep_delete). */
  compat?: RenderOptions['compat'];
  /** Called when such a delete removed something other than the value at its path. */
  onMisplacedDelete?: (actionIndex: number, path: Segment[], removedAt: Segment[]) => void;
}

function actionSegments(action: LayeringAction, index: number): Segment[] {
  let p = String(action.path ?? '.');
  if (p.startsWith('.data')) p = p.slice(5);
  else if (p.startsWith('$.data')) p = p.slice(6);
  if (p === '') p = '.';
  try {
    return parsePath(p);
  } catch (e) {
    throw new LayeringError(
      'InvalidDocumentFormat',
      `action ${index} has an invalid path '${action.path}': ${(e as Error).message}`,
      index,
    );
  }
}

function applyAction(overall: Json, child: Json, action: LayeringAction, index: number, options: ActionOptions): Json {
  const path = actionSegments(action, index);
  const missing = (where: string) =>
    new LayeringError(
      'MissingDocumentKey',
      `${action.method} action path '${action.path}' is not present in the ${where}`,
      index,
    );
  switch (action.method) {
    case 'delete': {
      if (path.length === 0) return {};
      if (options.compat === 'deckhand') {
        if (getPath(overall, path) === undefined) throw missing("parent's data");
        const removedAt = deleteFirstEqual(overall, path);
        if (!removedAt || formatPath(removedAt) !== formatPath(path))
          options.onMisplacedDelete?.(index, path, removedAt ?? []);
        return overall;
      }
      if (!deletePath(overall, path)) throw missing("parent's data");
      return overall;
    }
    case 'merge': {
      const fromChild = getPath(child, path);
      if (fromChild === undefined) throw missing("child's data");
      const fromOverall = getPath(overall, path);
      if (isMapping(fromOverall) && isMapping(fromChild)) {
        deepMerge(fromOverall, fromChild);
        return overall;
      }
      return setPath(overall, path, clone(fromChild));
    }
    case 'replace': {
      const fromChild = getPath(child, path);
      if (fromChild === undefined) throw missing("child's data");
      return setPath(overall, path, clone(fromChild));
    }
    default:
      throw new LayeringError(
        'UnsupportedActionMethod',
        `unsupported layering method '${action.method}' (merge, replace or delete)`,
        index,
      );
  }
}
