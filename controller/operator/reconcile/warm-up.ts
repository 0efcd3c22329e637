// Plans a small sample site once at start-up, so the first real Site does not pay for
// compiling the validation schemas (about 200 ms) between `kubectl apply` and its first step.

import { tmpdir } from 'node:os';
import { planDocuments } from '../../pipeline/plan-documents.js';
import { Problems } from '../../problems/index.js';
import { inlineTexts, parseInline } from '../source/inline.js';
import { testDocuments } from './sample-site.js';

export async function warmUp(): Promise<number> {
  const t0 = performance.now();
  const problems = new Problems();
  const texts = await inlineTexts(
    { documents: testDocuments({ releases: 1, nodes: 1, chartLocation: '/nonexistent' }) },
    'default',
    { readConfigMap: async () => undefined },
  );
  const { documents } = parseInline(texts, problems);
  await planDocuments(documents, { root: tmpdir() }, problems);
  return performance.now() - t0;
}
