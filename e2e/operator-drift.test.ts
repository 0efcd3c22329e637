// The operator repairs drift within its drift interval: a Site with driftDetection enabled, a
// ConfigMap key of its release edited with kubectl, put back by the controller with no new
// Helm revision, and an Event with reason Drifted saying what was fixed. The controller is a
// child process limited to this test's namespace (drift-op-…), on this branch's ports.

import { describe, expect, it } from 'vitest';
import { testSite } from '../controller/operator/reconcile/sample-site.js';
import {
  applySite,
  createNamespace,
  getSite,
  helmRevisions,
  kubectl,
  operatorFixture,
  startController,
  waitFor,
} from './operator-harness.js';

const { controllers, namespaces } = operatorFixture();

const data = (ns: string, name: string) =>
  JSON.parse(kubectl(['get', 'configmap', name, '-n', ns, '-o', 'jsonpath={.data}'])) as Record<string, string>;

describe('slipway controller: drift', () => {
  it('a ConfigMap key edited with kubectl is repaired within the drift interval, with no new revision and a Drifted event', async () => {
    const ns = createNamespace('drift-op');
    namespaces.push(ns);
    const ctl = startController({
      args: [
        '--namespace',
        ns,
        '--drift-interval',
        '5s',
        '--metrics-bind-address',
        '127.0.0.1:18440',
        '--health-probe-bind-address',
        '127.0.0.1:18441',
      ],
    });
    controllers.push(ctl);
    await waitFor('controller workers', () => ctl.logs.some((l) => l.msg === 'workers started'), 30_000);
    applySite(testSite({ name: 'drifty', namespace: ns, releases: 1, nodes: 0, spec: { driftDetection: 'enabled' } }));
    kubectl(['wait', '--for=condition=Ready', 'site/drifty', '-n', ns, '--timeout=180s']);
    const release = 'drifty-cfg-0';
    expect(
      helmRevisions(ns)
        .get(release)
        ?.map((r) => r.revision),
    ).toEqual([1]);
    const step = getSite(ns, 'drifty')!
      .status!.workflow!.phases.flatMap((p) => p.steps)
      .find((s) => s.id === `release/${ns}/${release}`);
    expect(step?.revision).toBe(1);
    const want = data(ns, release).value;
    expect(want).toBe('one');

    kubectl(['patch', 'configmap', release, '-n', ns, '--type=merge', '-p', '{"data":{"value":"edited by hand"}}']);
    const edited = Date.now();
    await waitFor('the controller to put the key back', () => data(ns, release).value === want, 60_000, 250);
    const repairedMs = Date.now() - edited;
    console.log(`operator drift repair: ${repairedMs} ms after the edit (drift interval 5 s)`);
    expect(
      helmRevisions(ns)
        .get(release)
        ?.map((r) => r.revision),
    ).toEqual([1]);
    const events = await waitFor(
      'a Drifted event',
      () => {
        const text = kubectl([
          'get',
          'events',
          '-n',
          ns,
          '-o',
          'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}',
        ]);
        return text.split('\n').find((l) => l.startsWith('Drifted: '));
      },
      30_000,
      500,
    );
    expect(events).toContain(
      `release/${ns}/${release}: repaired drift with no new Helm revision: ConfigMap/${ns}/${release} /data/value`,
    );
    expect(events).not.toContain('edited by hand');
  });
});
