// charts/slipway rendered by the pinned helm (no cluster): it lints, its RBAC never says "*",
// the controller runs with the agreed arguments, probes and a locked-down security context.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './generate-crds.js';

const root = repoRoot(fileURLToPath(import.meta.url));
const chart = path.join(root, 'charts', 'slipway');

function helmBinary(): string {
  const candidates = [
    process.env.HELM,
    path.join(process.env.SLIPWAY_CACHE || path.join(os.homedir(), '.cache', 'slipway'), 'bin', 'helm'),
  ];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found)
    throw new Error(`helm not found (tried ${candidates.filter(Boolean).join(', ')}): run \`bash e2e/infra/tools.sh\``);
  return found;
}

const helm = (...args: string[]): string =>
  execFileSync(helmBinary(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[];
  roleRef?: { kind: string; name: string };
  [k: string]: unknown;
}

function render(...set: string[]): K8sObject[] {
  const out = helm('template', 'rel', chart, '--namespace', 'slipway-system', ...set.flatMap((s) => ['--set', s]));
  return (yaml.loadAll(out) as (K8sObject | null)[]).filter((o): o is K8sObject => !!o);
}

const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const rulesOf = (objs: K8sObject[]) =>
  objs
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
    .flatMap((r) => (r.rules ?? []).map((rule) => ({ role: r.metadata.name, ...rule })));

describe('charts/slipway', () => {
  it('passes helm lint', () => {
    expect(helm('lint', chart, '--strict')).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each([
    ['defaults', []],
    [
      'two replicas, one namespace',
      ['replicaCount=2', 'watchNamespace=sites', 'rbac.helmReleases.namespaces={edge-a,edge-b}'],
    ],
    ['no helm-release role', ['rbac.helmReleases.enabled=false', 'rbac.aggregateToDefaultRoles=false']],
  ] as [string, string[]][])('has no "*" in any RBAC rule (%s)', (_name, set) => {
    const rules = rulesOf(render(...set));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) {
        expect(field ?? [], JSON.stringify(rule)).not.toContain('*');
        expect(field?.some((v) => v.includes('*')) ?? false, JSON.stringify(rule)).toBe(false);
      }
    }
  });

  it('shards: one more Deployment per key, each with --shard and its own pod selector; the first takes the unlabelled', () => {
    type Deployment = K8sObject & {
      spec: { selector: { matchLabels: Record<string, string> }; template: Record<string, unknown> };
    };
    const argsOf = (d: Deployment) =>
      ((d.spec.template as { spec: { containers: { args: string[] }[] } }).spec.containers[0]?.args ?? []).join(' ');
    const plain = byKind(render(), 'Deployment') as Deployment[];
    expect(plain.map((d) => d.metadata.name)).toEqual(['rel-slipway']);
    expect(argsOf(plain[0]!)).not.toMatch(/--shard|--watch-label-selector/);

    const sharded = byKind(render('shards={edge-a,edge-b}'), 'Deployment') as Deployment[];
    expect(sharded.map((d) => d.metadata.name)).toEqual(['rel-slipway', 'rel-slipway-edge-a', 'rel-slipway-edge-b']);
    expect(argsOf(sharded[0]!)).toContain('--watch-label-selector !sharding.slipway.dev/key');
    expect(argsOf(sharded[1]!)).toContain('--shard edge-a');
    expect(argsOf(sharded[2]!)).toContain('--shard edge-b');
    // The unsharded Deployment keeps its selector (immutable on upgrade), and no selector matches another's pods.
    expect(sharded[0]!.spec.selector).toEqual(plain[0]!.spec.selector);
    const podLabels = (d: Deployment) =>
      (d.spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels;
    for (const d of sharded)
      for (const other of sharded) {
        const matches = Object.entries(d.spec.selector.matchLabels).every(([k, v]) => podLabels(other)[k] === v);
        expect(matches, `${d.metadata.name} selects ${other.metadata.name}'s pods`).toBe(d === other);
      }
  });

  it('refuses extra rules with "*"', () => {
    expect(() =>
      render(
        'rbac.helmReleases.extraRules[0].apiGroups={x}',
        'rbac.helmReleases.extraRules[0].resources={*}',
        'rbac.helmReleases.extraRules[0].verbs={get}',
      ),
    ).toThrow(/may not use "\*"/);
  });

  it('grants the controller exactly what it needs', () => {
    const objs = render();
    const controller = byKind(objs, 'ClusterRole').find((r) => r.metadata.name === 'rel-slipway-controller')!;
    expect(controller.rules).toEqual([
      {
        apiGroups: ['slipway.dev'],
        resources: ['sites', 'sitesets'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['slipway.dev'], resources: ['sites/status', 'sitesets/status'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: ['slipway.dev'], resources: ['sites/finalizers', 'sitesets/finalizers'], verbs: ['update'] },
      { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'update', 'patch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'update', 'patch'] },
    ]);
    const lease = byKind(objs, 'Role').find((r) => r.metadata.name === 'rel-slipway-leader-election')!;
    expect(lease.metadata.namespace).toBe('slipway-system');
    expect(lease.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
    expect(
      byKind(objs, 'ClusterRoleBinding')
        .map((b) => b.roleRef!.name)
        .sort(),
    ).toEqual(['rel-slipway-controller', 'rel-slipway-helm-releases']);
  });

  it('binds namespaced when asked to, and drops the helm-release role when disabled', () => {
    const scoped = render('watchNamespace=sites', 'rbac.helmReleases.namespaces={edge-a}');
    expect(byKind(scoped, 'ClusterRoleBinding')).toEqual([]);
    expect(
      byKind(scoped, 'RoleBinding')
        .map((b) => `${b.metadata.namespace}/${b.roleRef!.name}`)
        .sort(),
    ).toEqual([
      'edge-a/rel-slipway-helm-releases',
      'sites/rel-slipway-controller',
      'slipway-system/rel-slipway-leader-election',
    ]);
    // without a ClusterRoleBinding, namespaces cannot be created: the rule is left out
    const helmRole = byKind(scoped, 'ClusterRole').find((r) => r.metadata.name === 'rel-slipway-helm-releases')!;
    expect(helmRole.rules!.some((r) => r.resources?.includes('namespaces'))).toBe(false);
    const off = render('rbac.helmReleases.enabled=false');
    expect(off.some((o) => o.metadata.name === 'rel-slipway-helm-releases')).toBe(false);
  });

  it('runs `slipway controller` with leader election, metrics and probes, non-root on a read-only root filesystem', () => {
    const [deploy] = byKind(render(), 'Deployment') as unknown as {
      spec: {
        replicas: number;
        template: {
          spec: {
            securityContext: Record<string, unknown>;
            containers: {
              command: string[];
              args: string[];
              livenessProbe: { httpGet: { path: string } };
              readinessProbe: { httpGet: { path: string } };
              securityContext: Record<string, unknown>;
              resources: Record<string, unknown>;
            }[];
          };
        };
      };
    }[];
    const c = deploy!.spec.template.spec.containers[0]!;
    expect(deploy!.spec.replicas).toBe(1);
    expect([...c.command, ...c.args].join(' ')).toMatch(
      /^slipway controller --leader-elect .*--metrics-bind-address :8080 --health-probe-bind-address :8081 /,
    );
    expect(c.args.join(' ')).toContain('--leader-election-namespace slipway-system');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(deploy!.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(c.resources).toHaveProperty('requests');
  });

  it('refuses two replicas without leader election', () => {
    expect(() => render('replicaCount=2', 'leaderElection.enabled=false')).toThrow(/needs leaderElection.enabled/);
  });

  it('ships a metrics Service', () => {
    const [svc] = byKind(render(), 'Service') as unknown as {
      spec: { ports: { port: number; targetPort: string }[] };
    }[];
    expect(svc!.spec.ports).toEqual([
      { name: 'http-metrics', port: 8080, targetPort: 'http-metrics', protocol: 'TCP' },
    ]);
  });
});
