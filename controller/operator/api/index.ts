// The Site and SiteSet API (slipway.dev/v1alpha1): types, schemas, validation, CRDs.

export { GO_DURATION_PATTERN, goDurationNanos } from './cel-rules.js';
export { type CustomResourceDefinition, crdFiles, crdYaml, siteCrd, siteSetCrd } from './crds.js';
export type { CelValidation, Schema } from './schema-kit.js';
export { siteSchema, siteSpecSchema, siteStatusSchema } from './site-schema.js';
export { siteSetSchema, siteSetSpecSchema, siteSetStatusSchema } from './siteset-schema.js';
export * from './siteset-types.js';
export { siteSetSummary, statusSummary } from './status-summary.js';
export * from './types.js';
export {
  type Validator,
  validateSiteSetSpec,
  validateSiteSetStatus,
  validateSiteSpec,
  validateSiteStatus,
} from './validate.js';
