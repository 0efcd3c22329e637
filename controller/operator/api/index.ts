// The Site and SiteSet API (slipway.dev/v1alpha1): types, schemas, validation, CRDs.

export * from "./types.js";
export * from "./siteset-types.js";
export { validateSiteSpec, validateSiteStatus, validateSiteSetSpec, validateSiteSetStatus, type Validator } from "./validate.js";
export { statusSummary, siteSetSummary } from "./status-summary.js";
export { siteSchema, siteSpecSchema, siteStatusSchema } from "./site-schema.js";
export { siteSetSchema, siteSetSpecSchema, siteSetStatusSchema } from "./siteset-schema.js";
export { siteCrd, siteSetCrd, crdFiles, crdYaml, type CustomResourceDefinition } from "./crds.js";
export { goDurationNanos, GO_DURATION_PATTERN } from "./cel-rules.js";
export type { Schema, CelValidation } from "./schema-kit.js";
