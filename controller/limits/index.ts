// limits: the bounds every input is held to, so no document can make a command run for
// minutes or grow without end. Defaults suit real site repositories many times over; a flag
// (`--max-file-bytes`, `--max-document-bytes`, `--max-alias-nodes`) or the environment
// (SLIPWAY_MAX_FILE_BYTES, SLIPWAY_MAX_DOCUMENT_BYTES, SLIPWAY_MAX_ALIAS_NODES) raises them.

export { ALIAS_EXPANSION_CODE, aliasExpansionExceeded } from './alias-expansion.js';
export { aliasExpansionTooLarge, documentTooLarge, type LimitBreach } from './document-limits.js';
export {
  DEFAULT_LIMITS,
  formatBytes,
  fromEnvironment,
  LIMIT_FLAGS,
  type Limits,
  LimitValueError,
  limits,
  parseLimitValue,
  setLimits,
} from './settings.js';
