// The per-document limits, checked while a file is parsed: its size before it is parsed,
// the expansion of its aliases after.

import { aliasExpansionExceeded } from './alias-expansion.js';
import { formatBytes, limits } from './settings.js';

export interface LimitBreach {
  code: string;
  message: string;
  /** Offset in the document's text. */
  offset: number;
}

export function documentTooLarge(text: string): LimitBreach | undefined {
  const max = limits().maxDocumentBytes;
  if (text.length <= max) return undefined; // UTF-16 units ≤ bytes: a cheap first test
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return undefined;
  return {
    code: 'DocumentTooLarge',
    offset: 0,
    message: `the document is ${formatBytes(bytes)}, more than the limit of ${formatBytes(max)} (raise it with --max-document-bytes or SLIPWAY_MAX_DOCUMENT_BYTES)`,
  };
}

export function aliasExpansionTooLarge(text: string, value: unknown): LimitBreach | undefined {
  const max = limits().maxAliasNodes;
  const at = aliasExpansionExceeded(text, value, max);
  if (at === undefined) return undefined;
  return {
    code: 'InvalidYAML',
    offset: at,
    message: `alias expansion limit: the document's aliases expand to more than ${max} nodes (raise it with --max-alias-nodes or SLIPWAY_MAX_ALIAS_NODES)`,
  };
}
