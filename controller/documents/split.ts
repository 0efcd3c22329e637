// Splitting a YAML stream into its documents by the document markers at the start of a line
// (`---`, `...`): YAML forbids those inside a document, so a line scan is exact, and each
// document can then be parsed (and later located) on its own.

export interface Chunk {
  /** Offset of the chunk's first character in the file. */
  offset: number;
  text: string;
}

const START = /^---(?:[ \t\r\n]|$)/;
const END = /^\.\.\.(?:[ \t\r\n]|$)/;

export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let pos = 0;
  const close = (end: number, next: number) => {
    if (end > start) chunks.push({ offset: start, text: text.slice(start, end) });
    start = next;
  };
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    const line = text.slice(pos, Math.min(pos + 4, lineEnd));
    if (START.test(line))
      close(pos, pos + 3); // content after `--- ` belongs to the new document
    else if (END.test(line)) close(pos, lineEnd);
    pos = lineEnd;
  }
  close(text.length, text.length);
  return chunks;
}
