// An inline source: documents written in the Site itself, or multi-document YAML held in
// ConfigMaps. Each piece is parsed under a name that says where it is (`inline/2:7`,
// `configmap/site-docs/nodes.yaml:12`) so problems still point at a line.

import { stringify } from 'yaml';
import { parseText } from '../../documents/parse.js';
import type { Json, SourceDocument } from '../../documents/types.js';
import { emitYaml } from '../../documents/yaml-emit.js';
import type { Problems } from '../../problems/index.js';
import type { InlineSource } from '../api/types.js';
import { contentRevision } from './revision.js';
import { SourceError, type SourceReader } from './types.js';

export interface InlineText {
  path: string;
  text: string;
}

/** The texts of an inline source, in order: the documents first, then ConfigMap keys. */
export async function inlineTexts(
  source: InlineSource,
  namespace: string,
  reader: Pick<SourceReader, 'readConfigMap'>,
): Promise<InlineText[]> {
  // Written as parseText reads them back (PyYAML's YAML 1.1): a string 1.1 would read as a number
  // or a boolean (a MAC like 52:54:12:34:56:07 is a base-60 integer, `on` is true) is quoted.
  const texts: InlineText[] = (source.documents ?? []).map((doc, i) => ({
    path: `inline/${i}`,
    text: emitYaml(doc as Json) ?? stringify(doc, { lineWidth: 0, version: '1.1' }),
  }));
  for (const ref of source.configMapRefs ?? []) {
    const data = await reader.readConfigMap(namespace, ref.name);
    if (!data) throw new SourceError(`ConfigMap ${namespace}/${ref.name} not found`, 'ConfigMapNotFound');
    const keys = ref.key ? [ref.key] : Object.keys(data).sort();
    for (const key of keys) {
      const text = data[key];
      if (text === undefined)
        throw new SourceError(`ConfigMap ${namespace}/${ref.name} has no key '${key}'`, 'ConfigMapNotFound');
      texts.push({ path: `configmap/${ref.name}/${key}`, text });
    }
  }
  return texts;
}

export function parseInline(
  texts: readonly InlineText[],
  problems: Problems,
): { documents: SourceDocument[]; revision: string } {
  return { documents: texts.flatMap((t) => parseText(t.path, t.text, problems)), revision: contentRevision(texts) };
}
