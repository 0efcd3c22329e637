// shipyard/DeploymentConfiguration/v1: names the armada/Manifest/v1 to deploy
// (data.armada.manifest), after shipyard_airflow/schemas/deploymentConfiguration.yaml in
// airshipit/shipyard.
import type { JsonSchema } from './types.js';

const integers = (...keys: string[]): Record<string, JsonSchema> =>
  Object.fromEntries(keys.map((k) => [k, { type: 'integer' }]));

export const deploymentConfiguration: JsonSchema = {
  type: 'object',
  properties: {
    physical_provisioner: {
      type: 'object',
      properties: {
        deployment_strategy: { type: 'string' },
        ...integers(
          'deploy_interval',
          'deploy_timeout',
          'destroy_interval',
          'destroy_timeout',
          'join_wait',
          'prepare_node_interval',
          'prepare_node_timeout',
          'prepare_site_interval',
          'prepare_site_timeout',
          'verify_interval',
          'verify_timeout',
          'relabel_nodes_interval',
          'relabel_nodes_timeout',
        ),
      },
      additionalProperties: false,
    },
    kubernetes: {
      type: 'object',
      properties: integers('node_status_interval', 'node_status_timeout'),
      additionalProperties: false,
    },
    kubernetes_provisioner: {
      type: 'object',
      properties: integers(
        'drain_timeout',
        'drain_grace_period',
        'clear_labels_timeout',
        'remove_etcd_timeout',
        'etcd_ready_timeout',
      ),
      additionalProperties: false,
    },
    armada: {
      type: 'object',
      properties: {
        manifest: { type: 'string', minLength: 1 },
        update_manifest: { type: 'string' },
        ...integers('get_releases_timeout', 'get_status_timeout', 'post_apply_timeout', 'validate_design_timeout'),
      },
      additionalProperties: false,
      required: ['manifest'],
    },
  },
  additionalProperties: false,
  required: ['armada'],
};
