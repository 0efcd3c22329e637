// Names this controller writes on generated Sites (besides the API's SITESET_LABEL and
// SITE_NAME_LABEL from controller/operator/api/siteset-types.ts).

/** Annotation on a generated Site: the digest of the spec, labels and annotations the SiteSet generated for it. */
export const SPEC_DIGEST_ANNOTATION = 'slipway.dev/siteset-spec-digest';
/** Field manager of the SiteSet controller's server-side applies. */
export const FIELD_MANAGER = 'slipway-siteset';
