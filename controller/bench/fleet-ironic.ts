// The fleet benchmark's Ironic side: the run's nodes (by name prefix) counted by provision
// state, and removed at the end whatever state they reached (maintenance on, then delete).

import PQueue from 'p-queue';
import { createIronicClient, type IronicClient } from '../drivers/ironic/client.js';

interface NodeRow {
  uuid: string;
  name: string | null;
  provision_state: string;
}

export interface FleetIronic {
  /** Provision state → count, for the nodes whose name starts with `prefix`. */
  states(prefix: string): Promise<Record<string, number>>;
  /** Deletes every node whose name starts with `prefix`; returns how many. */
  removeNodes(prefix: string): Promise<number>;
}

export function fleetIronic(env: Record<string, string>): FleetIronic {
  const client: IronicClient = createIronicClient({
    url: env.IRONIC_URL!,
    ...(env.IRONIC_USERNAME ? { username: env.IRONIC_USERNAME, password: env.IRONIC_PASSWORD } : {}),
    retry: { attempts: 4 },
  });
  const nodes = async (prefix: string): Promise<NodeRow[]> => {
    const out: NodeRow[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await client.request<{ nodes: NodeRow[] }>(
        'GET',
        `/v1/nodes?fields=uuid,name,provision_state&limit=1000${marker ? `&marker=${marker}` : ''}`,
      );
      out.push(...page.nodes.filter((n) => n.name?.startsWith(prefix)));
      if (page.nodes.length < 1000) return out;
      marker = page.nodes[page.nodes.length - 1]!.uuid;
    }
  };
  return {
    async states(prefix) {
      const counts: Record<string, number> = {};
      for (const n of await nodes(prefix)) counts[n.provision_state] = (counts[n.provision_state] ?? 0) + 1;
      return counts;
    },
    async removeNodes(prefix) {
      const mine = await nodes(prefix);
      const queue = new PQueue({ concurrency: 8 });
      for (const n of mine) {
        void queue.add(async () => {
          await client
            .request('PATCH', `/v1/nodes/${n.uuid}`, [{ op: 'replace', path: '/maintenance', value: true }])
            .catch(() => undefined);
          await client.request('DELETE', `/v1/nodes/${n.uuid}`).catch(() => undefined);
        });
      }
      await queue.onIdle();
      return mine.length;
    },
  };
}
