// Deckhand's pre-validation of raw documents: the `schema` string and the metadata section
// (metadata/Document/v1 or metadata/Control/v1). Only documents that pass are rendered.

import { locatePath } from '../documents/parse.js';
import { CONTROL_METADATA, DOCUMENT_METADATA, docRef, type SourceDocument } from '../documents/types.js';
import { describeDocument, type Problems } from '../problems/index.js';
import { compileSchema, type ValidateFunction } from './engines.js';
import { describeError, formatPath, type PathSegment, pruneBranchErrors } from './errors.js';
import { metadataCertainlyValid } from './metadata-fast.js';
import { metadataControl, metadataDocument } from './schemas/index.js';

export const SCHEMA_PATTERN = /^[A-Za-z]+\/[A-Za-z]+\/v\d+$/;

let validators: Record<string, ValidateFunction> | undefined;

function metadataValidator(metadataSchema: string): ValidateFunction | undefined {
  validators ??= {
    [DOCUMENT_METADATA]: compileSchema('builtin', metadataDocument),
    [CONTROL_METADATA]: compileSchema('builtin', metadataControl),
  };
  return validators[metadataSchema];
}

/** True when the JSON Schemas accept `metadata` (what metadata-fast.ts must agree with). */
export function metadataSchemaAccepts(metadata: unknown): boolean {
  const schema = (metadata as { schema?: unknown } | null)?.schema;
  const validate = typeof schema === 'string' ? metadataValidator(schema) : undefined;
  return validate !== undefined && validate(metadata) === true;
}

/** The documents whose envelope is valid; a problem for every one that is not. */
export function checkEnvelopes(docs: SourceDocument[], problems: Problems): SourceDocument[] {
  return docs.filter((doc) => checkEnvelope(doc, problems));
}

function checkEnvelope(doc: SourceDocument, problems: Problems): boolean {
  const name = describeDocument({ schema: doc.schema, name: doc.metadata.name });
  const report = (code: string, path: PathSegment[], text: string) =>
    problems.error(code, `${name}: ${formatPath(path)} ${text}`, {
      source: locatePath(doc, path),
      document: docRef(doc),
    });

  let ok = true;
  if (!SCHEMA_PATTERN.test(doc.schema)) {
    report('InvalidDocumentFormat', ['schema'], `must look like 'namespace/Kind/v1', not '${doc.schema}'`);
    ok = false;
  }
  if (metadataCertainlyValid(doc.metadata)) return ok;
  const metadataSchema = doc.metadata.schema;
  const validate = typeof metadataSchema === 'string' ? metadataValidator(metadataSchema) : undefined;
  if (!validate) {
    report(
      'InvalidDocumentFormat',
      ['metadata', 'schema'],
      `must be ${DOCUMENT_METADATA} or ${CONTROL_METADATA}, not ${JSON.stringify(metadataSchema ?? null)}`,
    );
    return false;
  }
  if (validate(doc.metadata)) return ok;

  const control = metadataSchema === CONTROL_METADATA;
  for (const error of pruneBranchErrors(validate.errors ?? [])) {
    const { path, text } = describeError(error, ['metadata'], doc.metadata);
    const badMethod = error.keyword === 'enum' && isActionMethod(path);
    if (badMethod) {
      report(
        'UnsupportedActionMethod',
        path,
        `${JSON.stringify(error.data)} is not a layering method (merge, replace or delete)`,
      );
    } else if (control && error.keyword === 'false schema') {
      report('InvalidDocumentFormat', path, 'is not allowed: control documents take no layering or substitution');
    } else {
      report('InvalidDocumentFormat', path, text);
    }
  }
  return false;
}

function isActionMethod(path: PathSegment[]): boolean {
  return path.length === 5 && path[1] === 'layeringDefinition' && path[2] === 'actions' && path[4] === 'method';
}
