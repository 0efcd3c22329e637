// A JSON Schema as a plain object. Built-in schemas are TypeScript modules so that they
// ship inside dist/ with the compiled code and need no file lookup at runtime.
export type JsonSchema = { readonly [key: string]: unknown };
