// Every lint rule, in the order of their codes.
import type { Rule } from '../model.js';
import { duplicateDataSchema } from './data-schemas.js';
import { deckhandRejects } from './deckhand.js';
import { deckhandDivergence } from './deckhand-divergence.js';
import { duplicateMappingKey } from './duplicate-keys.js';
import { invalidYaml, missingHeader } from './files.js';
import { layerMismatch } from './layer.js';
import { unresolvedPlaceholder } from './placeholders.js';
import { invalidSiteDefinition, missingDirectories, missingSiteDefinition } from './sites.js';
import { cleartextInSecrets, secretNotEncrypted, secretOutsideSecrets } from './storage.js';

export const RULES: readonly Rule[] = [
  secretNotEncrypted,
  missingDirectories,
  duplicateDataSchema,
  deckhandRejects,
  missingHeader,
  invalidYaml,
  layerMismatch,
  cleartextInSecrets,
  missingSiteDefinition,
  invalidSiteDefinition,
  unresolvedPlaceholder,
  secretOutsideSecrets,
  duplicateMappingKey,
  deckhandDivergence,
];
