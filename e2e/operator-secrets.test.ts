// No secret in the operator's outputs, end to end: the controller as a child process (as in
// operator-site.test.ts) against the local Kubernetes control plane with the real helm.
//   - a release of charts/demo-fail whose failure message (helm's `fail`) is built from a
//     Passphrase (substitution) and from a value inherited from an encrypted parent (layering)
//   - a Site whose release name is a Passphrase that is not a DNS name (plan refuses it, naming it)
// `kubectl get events`, the Sites' status YAML and the controller's log never hold the values.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Site } from '../controller/operator/api/types.js';
import {
  applySite,
  cond,
  createNamespace,
  getSite,
  kubectl,
  operatorFixture,
  startController,
  waitFor,
} from './operator-harness.js';

const { controllers, namespaces } = operatorFixture();

const doc = (schema: string, name: string, data: unknown, extra: Record<string, unknown> = {}, layer = 'site') => ({
  schema,
  metadata: {
    schema: 'metadata/Document/v1',
    name,
    storagePolicy: 'cleartext',
    layeringDefinition: { abstract: false, layer },
    ...extra,
  },
  data,
});

function secretSite(ns: string, name: string, s: { token: string; inherited: string; release?: string }): Site {
  const enc = { storagePolicy: 'encrypted' };
  const documents = [
    {
      schema: 'deckhand/LayeringPolicy/v1',
      metadata: { schema: 'metadata/Control/v1', name: 'layering-policy' },
      data: { layerOrder: ['global', 'site'] },
    },
    doc('deckhand/Passphrase/v1', 'token', s.token, enc),
    ...(s.release ? [doc('deckhand/Passphrase/v1', 'release-name', s.release, enc)] : []),
    doc('corpus/Credentials/v1', 'defaults', { password: s.inherited }, { ...enc, labels: { secret: 'd' } }, 'global'),
    doc(
      'corpus/Credentials/v1',
      'creds',
      { user: 'lab' },
      {
        layeringDefinition: {
          abstract: false,
          layer: 'site',
          parentSelector: { secret: 'd' },
          actions: [{ method: 'merge', path: '.' }],
        },
      },
    ),
    doc('armada/Manifest/v1', 'manifest', { release_prefix: name, chart_groups: ['group'] }),
    doc('armada/ChartGroup/v1', 'group', { description: 'x', sequenced: false, chart_group: ['fails'] }),
    doc(
      'armada/Chart/v1',
      'fails',
      {
        chart_name: 'demo-fail',
        release: 'fails',
        namespace: ns,
        source: { type: 'local', location: 'charts/demo-fail', subpath: '.' },
        wait: { timeout: 60 },
        values: { fail: true, message: 'rejected token TOKEN and password INHERITED' },
      },
      {
        substitutions: [
          {
            src: { schema: 'deckhand/Passphrase/v1', name: 'token', path: '.' },
            dest: { path: '.values.message', pattern: 'TOKEN' },
          },
          {
            src: { schema: 'corpus/Credentials/v1', name: 'creds', path: '.password' },
            dest: { path: '.values.message', pattern: 'INHERITED' },
          },
          ...(s.release
            ? [
                {
                  src: { schema: 'deckhand/Passphrase/v1', name: 'release-name', path: '.' },
                  dest: { path: '.release' },
                },
              ]
            : []),
        ],
      },
    ),
  ];
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name, namespace: ns },
    spec: { source: { inline: { documents } } },
  };
}

describe('slipway controller: secrets', () => {
  it('a helm failure echoing secret values and a plan error naming one: not in events, status or the log', async () => {
    const ns = createNamespace('hostile2-secrets');
    namespaces.push(ns);
    const tag = randomBytes(5).toString('hex');
    const secrets = {
      token: `e2e-token-${tag}`,
      inherited: `e2e-inherited-${tag}`,
      release: `Bad_Release_${tag}`,
    };
    const ctl = startController({ args: ['--namespace', ns] });
    controllers.push(ctl);
    await waitFor('controller workers', () => ctl.logs.some((l) => l.msg === 'workers started'), 60_000);
    applySite(secretSite(ns, 'helmfail', { token: secrets.token, inherited: secrets.inherited }));
    applySite(secretSite(ns, 'badname', secrets));

    const failed = await waitFor(
      'helmfail: Ready False after the helm failure',
      () => {
        const s = getSite(ns, 'helmfail');
        return cond(s, 'Ready')?.reason === 'ApplyFailed' ? s : undefined;
      },
      180_000,
      500,
    );
    const stalled = await waitFor(
      'badname: Stalled',
      () => {
        const s = getSite(ns, 'badname');
        return cond(s, 'Stalled')?.status === 'True' ? s : undefined;
      },
      60_000,
      500,
    );
    // The failures are where the grep looks: helm's message (scrubbed) and plan's error.
    // (The whole message is a secret: a value substituted from a secret makes its field secret.)
    expect(cond(failed, 'Ready')!.message).toMatch(/INSTALLATION FAILED: execution error at .*: \[redacted\]/);
    expect(cond(stalled, 'Stalled')).toMatchObject({ reason: 'PlanFailed' });
    expect(cond(stalled, 'Stalled')!.message).toMatch(/InvalidReleaseName: .*release '\[redacted\]'/);
    await waitFor(
      'the StepFailed event',
      () => kubectl(['get', 'events', '-n', ns, '-o', 'yaml']).includes('StepFailed'),
      30_000,
      500,
    );

    const events = kubectl(['get', 'events', '-n', ns, '-o', 'yaml']);
    // The Sites' status only (their spec holds the documents, secrets included, by design).
    const sites = JSON.parse(kubectl(['get', 'sites', '-n', ns, '-o', 'json'])) as { items: Site[] };
    const status = dump(sites.items.map((x) => x.status));
    expect(sites.items).toHaveLength(2);
    const log = readFileSync(ctl.logFile, 'utf8');
    expect(events).toContain('[redacted]');
    expect(log).toContain('[redacted]');
    for (const value of Object.values(secrets)) {
      expect(events, 'kubectl get events').not.toContain(value);
      expect(status, 'Site status').not.toContain(value);
      expect(log, 'controller log').not.toContain(value);
    }
  }, 300_000);
});
