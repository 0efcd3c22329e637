// The generated CRDs (crds/) on a real API server: it accepts them (structural schema, CEL
// cost within budget), prints the Site columns, and accepts and rejects exactly the specs
// that validateSiteSpec / validateSiteSetSpec accept and reject, with the same CEL messages.
// Fails (never skips) with "run `npm run infra:up`" when the cluster is not up.

import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FULL_SITE_STATUS } from '../controller/operator/api/examples.js';
import {
  BASE_INLINE,
  BASE_SITESET,
  SITE_SPEC_CASES,
  SITESET_SPEC_CASES,
  type SpecCase,
} from '../controller/operator/api/spec-cases.js';
import { validateSiteSetSpec, validateSiteSpec } from '../controller/operator/api/validate.js';
import { type KubeEnv, repoRoot, requireKube } from './support/env.js';

// Looked up in each test, not in a hook: when the infra is down every test fails with the
// "run `npm run infra:up`" message instead of being reported as skipped.
let cachedKube: KubeEnv | undefined;
const kube = (): KubeEnv => (cachedKube ??= requireKube());

const ns = `site-crd-${Date.now().toString(36)}`;
let nsCreated = false;

async function kubectl(args: string[], input?: string) {
  const k = kube();
  return execa(k.kubectl, ['--kubeconfig', k.kubeconfig, '--request-timeout=30s', ...args], {
    env: k.vars,
    extendEnv: false,
    reject: false,
    ...(input !== undefined ? { input } : {}),
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}):\n${r.stderr}`);
  return r.stdout;
}

/** Applies the CRDs and creates the test namespace once. */
let ready: Promise<void> | undefined;
function setUp(): Promise<void> {
  ready ??= (async () => {
    await ok(['apply', '--server-side', '--force-conflicts', '-f', path.join(repoRoot, 'crds')]);
    await ok([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/sites.slipway.dev',
      'crd/sitesets.slipway.dev',
    ]);
    await ok(['create', 'namespace', ns]);
    nsCreated = true;
  })();
  return ready;
}

const site = (name: string, spec: unknown) =>
  JSON.stringify({ apiVersion: 'slipway.dev/v1alpha1', kind: 'Site', metadata: { name, namespace: ns }, spec });
const siteSet = (name: string, spec: unknown) =>
  JSON.stringify({ apiVersion: 'slipway.dev/v1alpha1', kind: 'SiteSet', metadata: { name, namespace: ns }, spec });

afterAll(async () => {
  if (nsCreated) await kubectl(['delete', 'namespace', ns, '--wait=false']);
});

describe('Site and SiteSet CRDs on the API server', () => {
  it('are established, namespaced, with a status subresource and the short name `site`', async () => {
    await setUp();
    const crd = JSON.parse(await ok(['get', 'crd', 'sites.slipway.dev', '-o', 'json'])) as {
      spec: {
        scope: string;
        names: { shortNames: string[] };
        versions: { name: string; subresources: Record<string, unknown> }[];
      };
    };
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.shortNames).toContain('site');
    expect(crd.spec.versions[0]!.subresources).toHaveProperty('status');
    const resources = await ok(['api-resources', '--api-group=slipway.dev', '-o', 'name']);
    expect(resources.split('\n').sort()).toEqual(['sites.slipway.dev', 'sitesets.slipway.dev']);
  });

  it('accepts a valid Site, fills the defaults, and `kubectl get sites` prints Ready, Revision, Nodes, Releases, Age', async () => {
    await setUp();
    // suspend: a controller running against this cluster leaves the test Site alone.
    await ok(['create', '-f', '-'], site('demo', { ...BASE_INLINE, suspend: true }));
    const created = JSON.parse(await ok(['-n', ns, 'get', 'site', 'demo', '-o', 'json'])) as {
      spec: { deletionPolicy: string; timeout: string };
    };
    expect(created.spec.deletionPolicy).toBe('Orphan');
    expect(created.spec.timeout).toBe('30m');

    const status = {
      ...FULL_SITE_STATUS,
      observedGeneration: 1,
      conditions: [{ ...FULL_SITE_STATUS.conditions[0]!, observedGeneration: 1 }],
    };
    await ok([
      '-n',
      ns,
      'patch',
      'site',
      'demo',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
    const table = await ok(['-n', ns, 'get', 'sites']);
    const [header, row] = table
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(header).toEqual(['NAME', 'READY', 'REVISION', 'NODES', 'RELEASES', 'AGE']);
    expect(row!.slice(0, 5)).toEqual(['demo', 'True', FULL_SITE_STATUS.lastAppliedRevision, '1/1', '2/3']);
    await ok(['-n', ns, 'wait', '--for=condition=Ready', '--timeout=10s', 'site/demo']);
  });

  it('rejects a Site with both git and inline with the CEL message', async () => {
    await setUp();
    const spec = { source: { git: { url: 'https://git.example.test/sites.git' }, inline: BASE_INLINE.source.inline } };
    const r = await kubectl(['create', '-f', '-'], site('both', spec));
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('Site "both" is invalid: spec.source: Invalid value: ');
    expect(r.stderr).toContain('exactly one of spec.source.git or spec.source.inline must be set');
    expect(validateSiteSpec(spec)).toEqual([
      'spec.source: exactly one of spec.source.git or spec.source.inline must be set',
    ]);
  });

  it('rejects an interval that is not a Go duration', async () => {
    await setUp();
    const spec = { source: { git: { url: 'https://git.example.test/sites.git', interval: 'every 5 minutes' } } };
    const r = await kubectl(['create', '-f', '-'], site('interval', spec));
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(
      'spec.source.git.interval: Invalid value: "every 5 minutes": must be a Go duration greater than zero, such as 30s, 5m or 1h30m',
    );
  });

  it('validates status writes through the status subresource', async () => {
    await setUp();
    await ok(['create', '-f', '-'], site('status', { ...BASE_INLINE, suspend: true }));
    const history = Array(6).fill(FULL_SITE_STATUS.history[0]);
    const r = await kubectl([
      '-n',
      ns,
      'patch',
      'site',
      'status',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { history } }),
    ]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('status.history: Too many: 6: must have at most 5 items');
  });

  it('prints the SiteSet columns', async () => {
    await setUp();
    await ok(['create', '-f', '-'], siteSet('fleet', { ...BASE_SITESET, suspend: true }));
    const conditions = [
      {
        type: 'Ready',
        status: 'False',
        reason: 'Progressing',
        message: 'wave 1 of 3',
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    ];
    await ok([
      '-n',
      ns,
      'patch',
      'siteset',
      'fleet',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          conditions,
          summary: { sites: '1/3', wave: '1/3' },
          rollout: { revision: 'r1', state: 'Progressing', waves: [] },
        },
      }),
    ]);
    const [header, row] = (await ok(['-n', ns, 'get', 'sitesets']))
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(header).toEqual(['NAME', 'READY', 'SITES', 'WAVE', 'ROLLOUT', 'AGE']);
    expect(row!.slice(0, 5)).toEqual(['fleet', 'False', '1/3', '1/3', 'Progressing']);
  });

  it('charts/slipway installs (helm --wait on the kwok nodes) and its ServiceAccount may do what the controller does, and no more', async () => {
    await setUp();
    const k = kube();
    const release = `crd${Date.now().toString(36)}`;
    const helm = (...args: string[]) =>
      execa(k.helm, ['--kubeconfig', k.kubeconfig, ...args], {
        env: k.vars,
        extendEnv: false,
        reject: false,
        all: true,
      });
    const sa = `system:serviceaccount:${ns}:${release}-slipway`;
    const can = async (...args: string[]) => (await kubectl(['auth', 'can-i', '--as', sa, ...args])).stdout.trim();
    try {
      const install = await helm(
        'install',
        release,
        path.join(repoRoot, 'charts', 'slipway'),
        '--namespace',
        ns,
        '--wait',
        '--timeout',
        '120s',
        '--set',
        'rbac.aggregateToDefaultRoles=false',
      );
      expect(install.exitCode, install.all).toBe(0);
      expect(await can('list', 'sites.slipway.dev', '--all-namespaces')).toBe('yes');
      expect(await can('patch', 'sites.slipway.dev/status', '-n', 'default')).toBe('yes');
      expect(await can('update', 'leases.coordination.k8s.io', '-n', ns)).toBe('yes');
      expect(await can('update', 'leases.coordination.k8s.io', '-n', 'default')).toBe('no');
      expect(await can('create', 'deployments.apps', '-n', 'default')).toBe('yes'); // the helm-releases role
      expect(await can('create', 'clusterroles.rbac.authorization.k8s.io')).toBe('no');
      expect(await can('delete', 'nodes')).toBe('no');
      expect(await can('*', '*', '--all-namespaces')).toBe('no');
    } finally {
      await helm('uninstall', release, '--namespace', ns, '--wait', '--timeout', '60s');
    }
  });

  // The table the unit tests check validate*Spec against, sent to the API server (server-side
  // dry run: full validation, nothing stored): both must accept and reject the same rows.
  const rows = [
    ...SITE_SPEC_CASES.map((c, i) => ({
      kind: 'Site',
      c: c as SpecCase<unknown>,
      body: () => site(`case-${i}`, c.spec),
      ours: () => validateSiteSpec(c.spec),
    })),
    ...SITESET_SPEC_CASES.map((c, i) => ({
      kind: 'SiteSet',
      c: c as SpecCase<unknown>,
      body: () => siteSet(`case-${i}`, c.spec),
      ours: () => validateSiteSetSpec(c.spec),
    })),
  ];
  it.each(rows.map((r) => [`${r.kind}: ${r.c.name}`, r] as const))(
    'agrees with the TypeScript validator: %s',
    async (_name, row) => {
      await setUp();
      const r = await kubectl(['create', '--dry-run=server', '-f', '-'], row.body());
      const accepted = r.exitCode === 0;
      expect({ accepted, stderr: accepted ? '' : r.stderr }).toMatchObject({ accepted: row.c.errors.length === 0 });
      expect(row.ours()).toEqual(row.c.errors);
      for (const text of row.c.server ?? []) expect(r.stderr).toContain(text);
    },
  );
});
