// Every built-in schema by the document schema it validates.
import { armadaSchemas } from './armada.js';
import { deckhandSchemas } from './deckhand.js';
import { baremetalNode } from './drydock.js';
import { siteDefinition } from './pegleg.js';
import { deploymentConfiguration } from './shipyard.js';
import { baremetalHost } from './slipway.js';
import type { JsonSchema } from './types.js';

export { LAYERING_METHODS, metadataControl, metadataDocument } from './metadata.js';
export { BMC_SCHEMES } from './slipway.js';
export type { JsonSchema } from './types.js';

export const BAREMETAL_HOST = 'slipway/BaremetalHost/v1';

export const builtinSchemas: Readonly<Record<string, JsonSchema>> = {
  ...deckhandSchemas,
  ...armadaSchemas,
  'drydock/BaremetalNode/v1': baremetalNode,
  'pegleg/SiteDefinition/v1': siteDefinition,
  'shipyard/DeploymentConfiguration/v1': deploymentConfiguration,
  [BAREMETAL_HOST]: baremetalHost,
};
