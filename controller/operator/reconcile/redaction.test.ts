// The reconciler over Sites full of secrets whose failures echo them (a plan-time error
// naming a release or a BMC address built from a secret, a helm failure quoting values, an
// Ironic lastError quoting credentials): no log line, event, status write or returned error
// holds a secret value. Fakes at the driver seam; the API server is an in-memory store.

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFakeHelmDriver } from '../../drivers/helm/fake.js';
import { createFakeIronicDriver } from '../../drivers/ironic/fake.js';
import type { Site } from '../api/types.js';
import { realClock } from '../runtime/clock.js';
import { memoryLogger } from '../runtime/log.js';
import { fetchSiteSource } from '../source/index.js';
import { reconcileSite } from './reconciler.js';
import { scrubDeep } from './redaction.js';
import { macFor } from './sample-site.js';
import { memoryEvents, memoryStore } from './test-store.js';
import type { ReconcileDeps } from './types.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

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

interface Secrets {
  token: string;
  bmc: string;
  inherited: string;
  ironic: string;
  bmcSecret: string;
  releaseName: string;
}

function secrets(): Secrets {
  const tag = randomBytes(5).toString('hex');
  return {
    token: `op-token-${tag}`,
    bmc: `op-bmc-${tag}`,
    inherited: `op-inherited-${tag}`,
    ironic: `op-ironic-${tag}`,
    bmcSecret: `op-bmc-secret-${tag}`,
    releaseName: `Bad_Release_${tag}`,
  };
}

/** A site whose release values hold a token (substitution) and an inherited encrypted value (layering), and whose node's BMC password is a Passphrase. */
function documents(s: Secrets, opts: { badRelease?: boolean; badBmc?: boolean } = {}): Record<string, unknown>[] {
  const enc = { storagePolicy: 'encrypted' };
  const node = 'h2-node-0';
  return [
    {
      schema: 'deckhand/LayeringPolicy/v1',
      metadata: { schema: 'metadata/Control/v1', name: 'layering-policy' },
      data: { layerOrder: ['global', 'site'] },
    },
    doc('deckhand/Passphrase/v1', 'token', s.token, enc),
    doc('deckhand/Passphrase/v1', 'bmc', s.bmc, enc),
    doc('deckhand/Passphrase/v1', 'release-name', s.releaseName, enc),
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
    doc('armada/Manifest/v1', 'manifest', { release_prefix: 'h2', chart_groups: ['group'] }),
    doc('armada/ChartGroup/v1', 'group', { description: 'x', sequenced: false, chart_group: ['app'] }),
    doc(
      'armada/Chart/v1',
      'app',
      {
        chart_name: 'demo-config',
        release: 'app',
        namespace: 'default',
        source: { type: 'local', location: 'charts/demo-config', subpath: '.' },
        wait: { timeout: 120 },
        values: { data: { index: '0', value: 'x' } },
      },
      {
        substitutions: [
          { src: { schema: 'deckhand/Passphrase/v1', name: 'token', path: '.' }, dest: { path: '.values.data.value' } },
          { src: { schema: 'corpus/Credentials/v1', name: 'creds', path: '.password' }, dest: { path: '.values.inh' } },
          ...(opts.badRelease
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
    doc('drydock/BaremetalNode/v1', node, {
      host_profile: 'test',
      oob: { type: 'manual' },
      addressing: [{ network: 'oob', address: '10.0.0.1' }],
    }),
    doc(
      'slipway/BaremetalHost/v1',
      node,
      {
        node,
        bootMACAddress: macFor(node),
        bmc: { address: opts.badBmc ? `fake://${node}/PW;x` : `fake://${node}`, credentials: { username: 'admin' } },
      },
      {
        substitutions: [
          {
            src: { schema: 'deckhand/Passphrase/v1', name: 'bmc', path: '.' },
            dest: { path: '.bmc.credentials.password' },
          },
          ...(opts.badBmc
            ? [
                {
                  src: { schema: 'deckhand/Passphrase/v1', name: 'bmc', path: '.' },
                  dest: { path: '.bmc.address', pattern: 'PW' },
                },
              ]
            : []),
        ],
      },
    ),
    // A second node whose BMC credentials are a Kubernetes Secret (read by the Ironic driver).
    doc('drydock/BaremetalNode/v1', 'h2-node-1', {
      host_profile: 'test',
      oob: { type: 'manual' },
      addressing: [{ network: 'oob', address: '10.0.0.2' }],
    }),
    doc('slipway/BaremetalHost/v1', 'h2-node-1', {
      node: 'h2-node-1',
      bootMACAddress: macFor('h2-node-1'),
      bmc: { address: 'fake://h2-node-1', credentialsSecretRef: { name: 'bmc-creds' } },
    }),
  ];
}

function setup(s: Secrets, docs: Record<string, unknown>[]) {
  const store = memoryStore();
  const events = memoryEvents();
  const { log, lines } = memoryLogger('debug');
  const helm = createFakeHelmDriver();
  const ironic = createFakeIronicDriver();
  const k8sSecrets: Record<string, Record<string, string>> = {
    'default/ironic-creds': { username: 'ironic-user', password: s.ironic },
    'default/bmc-creds': { username: 'root', password: s.bmcSecret },
  };
  const reader = {
    readSecret: async (ns: string, name: string) => k8sSecrets[`${ns}/${name}`],
    readConfigMap: async () => undefined,
  };
  const deps: ReconcileDeps = {
    sites: store,
    fetchSource: (site, o) =>
      fetchSiteSource(site, { reader, inlineRoot: repoRoot, ...(o?.commit ? { commit: o.commit } : {}) }),
    drivers: async () => ({ helm, ironic }),
    readSecret: reader.readSecret,
    clock: realClock,
    log,
    events,
    statusThrottleMs: 0,
  };
  const site: Site = {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Site',
    metadata: { name: 'h2', namespace: 'default', generation: 1 },
    spec: {
      source: { inline: { documents: docs } },
      ironic: { url: 'http://127.0.0.1:9', credentialsSecretRef: { name: 'ironic-creds' } },
    },
  };
  store.put(site);
  const run = async () => {
    const r = await reconcileSite(deps, 'default/h2');
    return r.kind === 'retry' ? r.error.message : '';
  };
  /** Everything the operator wrote, as one text. */
  const outputs = (error: string) =>
    [
      ...lines.map((l) => JSON.stringify(l)),
      ...events.list.map((e) => JSON.stringify(e)),
      ...store.statusWrites.map((w) => JSON.stringify(w)),
      JSON.stringify(store.site('default', 'h2')?.status ?? {}),
      error,
    ].join('\n');
  return { store, events, lines, helm, ironic, run, outputs };
}

const expectNoSecret = (text: string, s: Secrets) => {
  for (const v of Object.values(s)) expect(text).not.toContain(v);
};

describe('no secret in the operator output', () => {
  it('a helm failure and an Ironic lastError that quote every secret (documents and the referenced Secret)', async () => {
    const s = secrets();
    const t = setup(s, documents(s));
    const echo = `values {"value":"${s.token}","inh":"${s.inherited}"} bmc ${s.bmc} ${s.bmcSecret} ironic ${s.ironic}`;
    t.helm.fail('h2-app', { message: `Error: INSTALLATION FAILED: ${echo}` });
    t.ironic.failNext('h2-node-0', 'enroll', `enroll failed: ${echo}`);
    t.ironic.failNext('h2-node-1', 'enroll', `enroll failed: password ${s.bmcSecret}`);
    // First pass: the node fails (the release waits behind it); second: the node is enrolled, the release fails.
    const first = await t.run();
    expect(t.events.list.filter((e) => e.reason === 'StepFailed' && e.message.startsWith('node/'))).toHaveLength(2);
    const error = await t.run();
    const out = t.outputs(`${first}\n${error}`);
    // The failures did reach every output (scrubbed), so the grep below looks where they are.
    const failed = t.events.list.filter((e) => e.reason === 'StepFailed');
    expect(failed.map((e) => e.message.split(':')[0]).sort()).toEqual([
      'node/h2-node-0',
      'node/h2-node-1',
      'release/default/h2-app',
    ]);
    expect(failed.every((e) => e.message.includes('[redacted]'))).toBe(true);
    expect(t.lines.some((l) => l.msg === 'step failed' && String(l.message).includes('[redacted]'))).toBe(true);
    expect(JSON.stringify(t.store.site('default', 'h2')?.status)).toContain('INSTALLATION FAILED: values');
    expect(first).toContain('[redacted]');
    expect(error).toContain('[redacted]');
    expectNoSecret(out, s);
  });

  it('plan-time errors built from secrets: a release name and a BMC address substituted from Passphrases', async () => {
    const s = secrets();
    const t = setup(s, documents(s, { badRelease: true, badBmc: true }));
    const error = await t.run();
    const stalled = t.store.site('default', 'h2')?.status?.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason: 'PlanFailed' });
    expect(stalled?.message).toContain('InvalidReleaseName');
    expect(stalled?.message).toContain('[redacted]');
    expect(t.events.list.some((e) => e.reason === 'PlanFailed')).toBe(true);
    expect(t.helm.count()).toBe(0);
    expectNoSecret(t.outputs(error), s);
  });

  it('the scrub keeps the structure of a status', () => {
    const scrub = (x: string) => x.split('s3cret-value').join('[redacted]');
    expect(scrubDeep({ a: ['x s3cret-value y', 1], b: { c: 's3cret-value' } }, scrub)).toEqual({
      a: ['x [redacted] y', 1],
      b: { c: '[redacted]' },
    });
  });
});
