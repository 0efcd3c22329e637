// pegleg/SiteDefinition/v1: the document in site/<name>/site-definition.yaml that selects
// the type layer a site is built from (airshipit/pegleg doc/source/artifacts.rst).
import type { JsonSchema } from './types.js';

const repository: JsonSchema = {
  type: 'object',
  properties: { revision: { type: 'string' }, url: { type: 'string' } },
  required: ['revision', 'url'],
};

export const siteDefinition: JsonSchema = {
  type: 'object',
  properties: {
    site_type: { type: 'string', minLength: 1 },
    revision: { type: 'string' },
    repositories: { type: 'object', additionalProperties: repository },
  },
  required: ['site_type'],
};
