// documents: YAML text → document envelopes that remember their file:line.
export { isPlainObject, locatePath, parseFile, parseText, YAML_DOCUMENT_OPTIONS } from './parse.js';
export { PYYAML_SCHEMA } from './pyyaml-schema.js';
export { SourceFile } from './source-file.js';
export { splitDocuments } from './split.js';
export * from './types.js';
