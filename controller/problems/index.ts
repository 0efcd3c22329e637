// Problems: errors and warnings collected by every stage instead of thrown one at a time.
// A problem carries a code (Deckhand's error names where one exists), a message, and where
// in the source it comes from; line and column are computed only when it is printed.

import type { SourceFile } from '../documents/source-file.js';

export type Severity = 'error' | 'warning';

/** A position in a source file: the file and a character offset into its text. */
export interface SourceRef {
  file: SourceFile;
  offset: number;
}

/** (schema, name, layer) of the document a problem is about, when there is one. */
export interface DocumentRef {
  schema: string;
  name: string;
  layer?: string | undefined;
}

export interface Problem {
  code: string;
  message: string;
  severity: Severity;
  source?: SourceRef | undefined;
  document?: DocumentRef | undefined;
}

/** A problem list that stages append to; `errors` is what decides the exit code. */
export class Problems {
  readonly items: Problem[] = [];

  error(code: string, message: string, where: Omit<Problem, 'code' | 'message' | 'severity'> = {}): void {
    this.items.push({ code, message, severity: 'error', ...where });
  }

  warning(code: string, message: string, where: Omit<Problem, 'code' | 'message' | 'severity'> = {}): void {
    this.items.push({ code, message, severity: 'warning', ...where });
  }

  addAll(problems: Iterable<Problem>): void {
    for (const p of problems) this.items.push(p);
  }

  get errors(): Problem[] {
    return this.items.filter((p) => p.severity === 'error');
  }

  get warnings(): Problem[] {
    return this.items.filter((p) => p.severity === 'warning');
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }
}

/** `file:line` of a source reference (1-based line), or undefined without one. */
export function locate(ref: SourceRef | undefined): { path: string; line: number; col: number } | undefined {
  if (!ref) return undefined;
  const { line, col } = ref.file.position(ref.offset);
  return { path: ref.file.path, line, col };
}

/** `file:line: Code: message` — the one format every command prints problems in. */
export function formatProblem(p: Problem): string {
  const at = locate(p.source);
  const where = at ? `${at.path}:${at.line}: ` : p.document ? `[${p.document.schema}] ${p.document.name}: ` : '';
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}${prefix}${p.code}: ${p.message}`;
}

/** `[schema] name` (with the layer when known): how messages name a document. */
export function describeDocument(d: DocumentRef): string {
  return d.layer ? `[${d.schema}, ${d.layer}] ${d.name}` : `[${d.schema}] ${d.name}`;
}
