// documents: YAML text → document envelopes that remember their file:line.
export { parseFile, parseText, locatePath, isPlainObject, YAML_OPTIONS } from "./parse.js";
export { SourceFile } from "./source-file.js";
export * from "./types.js";
