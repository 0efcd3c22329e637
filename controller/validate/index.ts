// validate: Deckhand's checks of documents. `checkEnvelopes` before rendering (the schema
// string and the metadata section of every raw document), `validateDocuments` after it
// (every rendered document's data against the built-in schemas and the site's DataSchemas).

export { type ValidatedDocument, type ValidateOptions, validateDocuments } from './documents.js';
export { checkEnvelopes, SCHEMA_PATTERN } from './envelope.js';
export { formatPath, type PathSegment } from './errors.js';
export { BAREMETAL_HOST, BMC_SCHEMES, builtinSchemas, type JsonSchema } from './schemas/index.js';
