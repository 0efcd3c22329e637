// documents: YAML text → document envelopes that remember their file:line.
export { parseFile, parseText, locatePath, isPlainObject, YAML_DOCUMENT_OPTIONS } from "./parse.js";
export { PYYAML_SCHEMA } from "./pyyaml-schema.js";
export { splitDocuments } from "./split.js";
export { SourceFile } from "./source-file.js";
export * from "./types.js";
