// An in-memory HelmDriver for the workflow's unit tests. It keeps a revision history per
// release with Helm's statuses and digest labels (same rules as the real one: digests
// stored with digestLabelValue, upgrade supersedes, rollback copies the target's digest,
// a pending release refuses upgrades), records every call so tests can count helm
// invocations, and fails the releases it is told to fail with a helm-like message.
// Revisions Slipway makes are stamped (appliedRevision) as the real driver stamps them;
// handRun() makes a revision as a person's helm upgrade/rollback would (labels carried
// over, no stamp). Drift is what a test puts in with setObjects(); repair() clears it.
import type { JsonObject } from '../../documents/types.js';
import type {
  HelmAction,
  HelmDriver,
  HelmResult,
  ObservedObject,
  ObservedRelease,
  ReleaseSpec,
  ReleaseStatus,
} from '../types.js';
import { digestLabelValue } from './digest-label.js';

export interface FakeHelmCall {
  action: HelmAction | 'list' | 'values';
  release?: string;
  namespace?: string;
  /** rollback: the target revision. */
  revision?: number;
  /** install/upgrade: the spec digest. */
  digest?: string;
  /** repair: the objects applied (kind/name). */
  objects?: string[];
}

export interface FakeFailure {
  /** Which actions fail (all helm actions when omitted). */
  actions?: HelmAction[];
  /** Helm's error text to report; a helm-like default otherwise. */
  message?: string;
  /** How many runs fail before the release behaves again (forever when omitted). */
  times?: number;
  /**
   * What a failing install/upgrade/rollback leaves in storage: a `failed` revision
   * (default, like an apply error), nothing (like a template error), or a revision stuck
   * in pending-* (like a killed helm).
   */
  leaves?: 'failed' | 'nothing' | 'pending';
}

export interface FakeRevision {
  revision: number;
  status: ReleaseStatus;
  digest?: string;
  values: JsonObject;
  updatedAt: string;
  /** The slipway.dev/revision stamp (carried over by Helm to later revisions). */
  appliedRevision?: number;
}

export interface FakeHelmDriver extends HelmDriver {
  readonly calls: readonly FakeHelmCall[];
  /** Number of calls of one action (all helm actions, not list/values, when omitted). */
  count(action?: FakeHelmCall['action']): number;
  /** Make a release fail (see FakeFailure). */
  fail(name: string, failure?: FakeFailure, namespace?: string): void;
  /** Put a release in storage in a given state (e.g. a stale pending-upgrade). */
  seed(name: string, namespace: string, revisions: Array<Partial<FakeRevision> & { status: ReleaseStatus }>): void;
  /** A release's revisions, oldest first. */
  history(name: string, namespace: string): FakeRevision[];
  /** A revision made outside Slipway: `helm upgrade` (same values) or `helm rollback REVISION`. */
  handRun(name: string, namespace: string, how: { rollbackTo?: number }): void;
  /** What objects() reports for a release (its manifest objects beside the live ones). */
  setObjects(name: string, namespace: string, objects: ObservedObject[]): void;
  reset(): void;
}

const HELM_ACTIONS: readonly string[] = [
  'install',
  'upgrade',
  'rollback',
  'uninstall',
  'test',
  'delete-resources',
  'repair',
];
const PREFIX: Record<HelmAction, string> = {
  install: 'Error: INSTALLATION FAILED: ',
  upgrade: 'Error: UPGRADE FAILED: ',
  rollback: 'Error: ',
  uninstall: 'Error: ',
  test: 'Error: ',
  'delete-resources': '',
  repair: 'Error: ',
};

export function createFakeHelmDriver(options: { now?: () => Date } = {}): FakeHelmDriver {
  const now = () => (options.now ? options.now() : new Date()).toISOString();
  const store = new Map<string, FakeRevision[]>();
  const failures = new Map<string, FakeFailure>();
  const calls: FakeHelmCall[] = [];
  const objects = new Map<string, ObservedObject[]>();
  const key = (name: string, ns: string) => `${ns}/${name}`;
  const anyNs = (name: string) => `*/${name}`;

  const result = (action: HelmAction, release: string, namespace: string, message = ''): HelmResult => ({
    ok: message === '',
    action,
    release,
    namespace,
    exitCode: message === '' ? 0 : 1,
    message,
    durationMs: 0,
  });

  /** The failure that applies to this run (consuming one of its `times`), if any. */
  const failureFor = (action: HelmAction, name: string, ns: string): FakeFailure | undefined => {
    for (const k of [key(name, ns), anyNs(name)]) {
      const f = failures.get(k);
      if (!f || (f.actions && !f.actions.includes(action))) continue;
      if (f.times !== undefined) {
        if (f.times <= 0) continue;
        f.times -= 1;
      }
      return f;
    }
    return undefined;
  };
  const failMessage = (action: HelmAction, name: string, f: FakeFailure) =>
    f.message ?? `${PREFIX[action]}fake failure of release "${name}"`;

  const latest = (revs: FakeRevision[] | undefined) => revs?.[revs.length - 1];
  const supersede = (revs: FakeRevision[]) => {
    for (const r of revs) if (r.status === 'deployed') r.status = 'superseded';
  };
  const pendingOf: Record<string, ReleaseStatus> = {
    install: 'pending-install',
    upgrade: 'pending-upgrade',
    rollback: 'pending-rollback',
  };

  /** Records the outcome of a storing action (install/upgrade/rollback) like helm does. */
  const recordRun = (
    action: 'install' | 'upgrade' | 'rollback',
    spec: { name: string; namespace: string },
    next: Omit<FakeRevision, 'status' | 'revision' | 'updatedAt'>,
  ): HelmResult => {
    const k = key(spec.name, spec.namespace);
    const revs = store.get(k) ?? [];
    const f = failureFor(action, spec.name, spec.namespace);
    const revision = (latest(revs)?.revision ?? 0) + 1;
    if (f) {
      const leaves = f.leaves ?? 'failed';
      if (leaves !== 'nothing') {
        revs.push({
          ...next,
          revision,
          status: leaves === 'pending' ? pendingOf[action]! : 'failed',
          updatedAt: now(),
        });
        store.set(k, revs);
      }
      return result(action, spec.name, spec.namespace, failMessage(action, spec.name, f));
    }
    supersede(revs);
    revs.push({ ...next, revision, status: 'deployed', updatedAt: now(), appliedRevision: revision });
    store.set(k, revs);
    return result(action, spec.name, spec.namespace);
  };

  const observe = (revs: FakeRevision[], name: string, namespace: string): ObservedRelease => {
    const last = revs[revs.length - 1]!;
    const o: ObservedRelease = {
      name,
      namespace,
      revision: last.revision,
      status: last.status,
      updatedAt: last.updatedAt,
    };
    if (last.digest !== undefined) o.digest = last.digest;
    if (last.appliedRevision !== undefined) o.appliedRevision = last.appliedRevision;
    const deployed = [...revs].reverse().find((r) => r.status === 'deployed' || r.status === 'superseded');
    if (deployed) o.lastDeployedRevision = deployed.revision;
    return o;
  };

  const specCall = (action: HelmAction, spec: ReleaseSpec): FakeHelmCall => ({
    action,
    release: spec.name,
    namespace: spec.namespace,
    ...(action === 'install' || action === 'upgrade' ? { digest: spec.digest } : {}),
  });

  const isPending = (s: ReleaseStatus | undefined) =>
    s === 'pending-install' || s === 'pending-upgrade' || s === 'pending-rollback';

  const driver: FakeHelmDriver = {
    get calls() {
      return calls;
    },
    count(action) {
      return calls.filter((c) => (action ? c.action === action : HELM_ACTIONS.includes(c.action))).length;
    },
    fail(name, failure = {}, namespace) {
      failures.set(namespace ? key(name, namespace) : anyNs(name), { ...failure });
    },
    seed(name, namespace, revisions) {
      store.set(
        key(name, namespace),
        revisions.map((r, i) => ({
          revision: r.revision ?? i + 1,
          status: r.status,
          values: r.values ?? {},
          updatedAt: r.updatedAt ?? now(),
          ...(r.digest !== undefined ? { digest: r.digest } : {}),
          ...(r.appliedRevision !== undefined ? { appliedRevision: r.appliedRevision } : {}),
        })),
      );
    },
    handRun(name, namespace, how) {
      const revs = store.get(key(name, namespace)) ?? [];
      const last = latest(revs);
      if (!last) return;
      const from = how.rollbackTo !== undefined ? revs.find((r) => r.revision === how.rollbackTo) : last;
      if (!from) return;
      supersede(revs);
      // Helm carries the labels over, the stamp among them: it now names an older revision.
      revs.push({
        ...from,
        values: structuredClone(from.values),
        revision: last.revision + 1,
        status: 'deployed',
        updatedAt: now(),
      });
    },
    setObjects(name, namespace, list) {
      objects.set(key(name, namespace), structuredClone(list));
    },
    history(name, namespace) {
      return (store.get(key(name, namespace)) ?? []).map((r) => ({ ...r }));
    },
    reset() {
      store.clear();
      objects.clear();
      failures.clear();
      calls.length = 0;
    },
    async list(namespaces) {
      calls.push({ action: 'list' });
      const wanted = namespaces && namespaces.length > 0 ? new Set(namespaces) : undefined;
      const out: ObservedRelease[] = [];
      for (const [k, revs] of store) {
        const [namespace, name] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
        if (revs.length === 0 || (wanted && !wanted.has(namespace))) continue;
        out.push(observe(revs, name, namespace));
      }
      return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    },
    async values(name, namespace) {
      calls.push({ action: 'values', release: name, namespace });
      const last = latest(store.get(key(name, namespace)));
      return last ? structuredClone(last.values) : undefined;
    },
    async install(spec) {
      calls.push(specCall('install', spec));
      const last = latest(store.get(key(spec.name, spec.namespace)));
      if (last && last.status !== 'uninstalled') {
        return result(
          'install',
          spec.name,
          spec.namespace,
          'Error: INSTALLATION FAILED: cannot re-use a name that is still in use',
        );
      }
      return recordRun('install', spec, {
        digest: digestLabelValue(spec.digest),
        values: structuredClone(spec.values),
      });
    },
    async upgrade(spec) {
      calls.push(specCall('upgrade', spec));
      const revs = store.get(key(spec.name, spec.namespace));
      const last = latest(revs);
      if (!last)
        return result(
          'upgrade',
          spec.name,
          spec.namespace,
          `Error: UPGRADE FAILED: "${spec.name}" has no deployed releases`,
        );
      if (isPending(last.status)) {
        return result(
          'upgrade',
          spec.name,
          spec.namespace,
          'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
        );
      }
      return recordRun('upgrade', spec, {
        digest: digestLabelValue(spec.digest),
        values: structuredClone(spec.values),
      });
    },
    async rollback(name, namespace, revision) {
      calls.push({ action: 'rollback', release: name, namespace, revision });
      const target = store.get(key(name, namespace))?.find((r) => r.revision === revision);
      if (!target) return result('rollback', name, namespace, `Error: release has no ${revision} version`);
      return recordRun(
        'rollback',
        { name, namespace },
        { values: structuredClone(target.values), ...(target.digest !== undefined ? { digest: target.digest } : {}) },
      );
    },
    async uninstall(name, namespace) {
      calls.push({ action: 'uninstall', release: name, namespace });
      const f = failureFor('uninstall', name, namespace);
      if (f) return result('uninstall', name, namespace, failMessage('uninstall', name, f));
      store.delete(key(name, namespace));
      return result('uninstall', name, namespace);
    },
    async test(spec) {
      calls.push(specCall('test', spec));
      const f = failureFor('test', spec.name, spec.namespace);
      return result('test', spec.name, spec.namespace, f ? failMessage('test', spec.name, f) : '');
    },
    async objects(name, namespace) {
      return structuredClone(objects.get(key(name, namespace)) ?? []);
    },
    async repair(name, namespace, applied) {
      calls.push({
        action: 'repair',
        release: name,
        namespace,
        objects: applied.map((o) => `${String(o.kind)}/${String((o.metadata as { name?: string } | undefined)?.name)}`),
      });
      const f = failureFor('repair', name, namespace);
      if (f) return result('repair', name, namespace, failMessage('repair', name, f));
      const list = objects.get(key(name, namespace)) ?? [];
      for (const o of list) if (o.applied) o.live = structuredClone(o.applied);
      return result('repair', name, namespace);
    },
    async deleteResources(spec) {
      calls.push(specCall('delete-resources', spec));
      const f = failureFor('delete-resources', spec.name, spec.namespace);
      return result(
        'delete-resources',
        spec.name,
        spec.namespace,
        f ? failMessage('delete-resources', spec.name, f) : '',
      );
    },
  };
  return driver;
}
