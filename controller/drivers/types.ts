// The narrow interfaces between the workflow and the world. The executor only sees these;
// the real drivers (helm binary, Ironic REST) and the fakes beside them implement them, and
// one place at start-up chooses which (see ./select.ts).

import type { JsonObject } from '../documents/types.js';

// ---------------------------------------------------------------------------------------
// Helm

export interface WaitSpec {
  enabled: boolean;
  timeoutSeconds: number;
  /** Armada `wait.labels`: only resources with these labels are waited on. */
  labels?: Record<string, string>;
  /** Armada `wait.resources`: per kind, with `minReady` as a count or a percentage ("80%"). */
  resources?: { type: string; labels?: Record<string, string>; minReady?: number | string }[];
}

export interface ReleaseSpec {
  /** Helm release name, with the manifest's release_prefix applied. */
  name: string;
  namespace: string;
  /** A chart directory or a .tgz file, resolved to an absolute path. */
  chartPath: string;
  values: JsonObject;
  wait: WaitSpec;
  test: { enabled: boolean; timeoutSeconds: number };
  /** Armada `upgrade.pre.delete`: resources deleted by label before an upgrade. */
  preUpgradeDelete: { type: 'job' | 'pod'; labels: Record<string, string> }[];
  /** Armada `protected`: a failed protected release is never purged or reinstalled. */
  protected: boolean;
  timeoutSeconds: number;
  /** sha256 of chart content + values + options: stored with the release (label slipway.dev/digest). */
  digest: string;
  /** Fields drift detection ignores (the chart's `drift.ignore`, like Flux's `driftDetection.ignore`). */
  driftIgnore?: DriftIgnoreRule[];
}

export interface DriftIgnoreRule {
  /** JSON pointers (RFC 6901) into the objects, e.g. /spec/replicas, /data/generated. */
  paths: string[];
  /** Only objects matching all the given fields; every object of the release when omitted. */
  target?: { kind?: string; name?: string; namespace?: string };
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One object of a release's stored manifest, and what the cluster holds for it. */
export interface ObservedObject {
  ref: ObjectRef;
  /** The object as the release's manifest has it (namespace filled in). */
  manifest: JsonObject;
  /** The live object; undefined when it does not exist. */
  live?: JsonObject;
  /** The live object as a forced server-side apply of `manifest` would leave it (dry run). */
  applied?: JsonObject;
  /** Why the object could not be compared (e.g. the dry run was refused). */
  error?: string;
}

export type ReleaseStatus =
  | 'deployed'
  | 'failed'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback'
  | 'uninstalling'
  | 'superseded'
  | 'uninstalled'
  | 'unknown';

/** What Helm actually stored for the latest revision of a release. */
export interface ObservedRelease {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  /** The slipway.dev/digest label of that revision, if Slipway installed it. */
  digest?: string;
  /** When the revision was last modified (ISO 8601), for pending-* timeouts. */
  updatedAt?: string;
  /** The last revision whose status was deployed/superseded, if any (rollback target). */
  lastDeployedRevision?: number;
  /**
   * The slipway.dev/revision label: the revision number Slipway stamped on the revision it
   * made. Helm carries labels over, so a revision made by a hand-run helm upgrade or
   * rollback has another number here (or none when Helm dropped it).
   */
  appliedRevision?: number;
  /** The slipway.dev/server-side label: Slipway installed the release with server-side apply. */
  serverSide?: boolean;
}

export type HelmAction = 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'test' | 'delete-resources' | 'repair';

/** The result of one helm run: the execa result's shape trimmed to what callers need. */
export interface HelmResult {
  ok: boolean;
  action: HelmAction;
  release: string;
  namespace: string;
  exitCode: number;
  /** Helm's own error text (stderr, trimmed) when it failed; empty on success. */
  message: string;
  durationMs: number;
  /** Something that went wrong without failing the action (e.g. the revision could not be stamped). */
  warning?: string;
}

export interface HelmDriver {
  /** Latest revision of every release in the namespaces (all namespaces when omitted). No helm process. */
  list(namespaces?: string[]): Promise<ObservedRelease[]>;
  /** The user-supplied values of the latest revision (for `slipway diff`). No helm process. */
  values(name: string, namespace: string): Promise<JsonObject | undefined>;
  install(spec: ReleaseSpec): Promise<HelmResult>;
  /** `current`: the release as observed before (how it was installed decides some flags). */
  upgrade(spec: ReleaseSpec, current?: ObservedRelease): Promise<HelmResult>;
  rollback(name: string, namespace: string, revision: number, timeoutSeconds: number): Promise<HelmResult>;
  uninstall(name: string, namespace: string, timeoutSeconds: number): Promise<HelmResult>;
  test(spec: ReleaseSpec): Promise<HelmResult>;
  deleteResources(spec: ReleaseSpec): Promise<HelmResult>;
  /** The latest revision's manifest objects beside the live ones, with a server-side apply dry run of each. */
  objects(name: string, namespace: string): Promise<ObservedObject[]>;
  /** Re-applies objects (server-side apply, Helm's field manager, conflicts forced): no new Helm revision. */
  repair(name: string, namespace: string, objects: JsonObject[]): Promise<HelmResult>;
}

// ---------------------------------------------------------------------------------------
// Ironic

export interface BmcCredentials {
  username: string;
  password: string;
}

export interface NodeSpec {
  /** Ironic node name (the drydock/BaremetalNode/v1 name). */
  name: string;
  /** The site the node belongs to (stored in extra.slipway_site): pruning only ever considers a site's own nodes. */
  site?: string;
  bmc: {
    /** ipmi://, redfish://, redfish+http(s)://, redfish-virtualmedia://, idrac-redfish://, idrac-virtualmedia://, fake:// */
    address: string;
    /** Inline credentials (normally substituted from a deckhand/Passphrase/v1). Secret: never logged. */
    credentials?: BmcCredentials;
    /** Or a Kubernetes Secret with `username` and `password` keys, read at execution time. */
    credentialsSecretRef?: { name: string; namespace?: string };
    disableCertificateVerification?: boolean;
  };
  bootMACAddress?: string;
  /** Node properties (cpus, memory_mb, local_gb, cpu_arch, root_device hints...). */
  properties: JsonObject;
  /** When set, the node is deployed (active) with this image; otherwise it stops at available. */
  image?: { url: string; checksum: string; checksumType?: string };
  configDrive?: JsonObject | string;
  inspect: boolean;
  /** Where the node should end: available (no image) or active (image). */
  target: 'available' | 'active';
  /**
   * A slipway/BaremetalHost/v1 `redeploy` value: part of the digest, so writing a new one is the
   * explicit document change that lets Slipway deploy again a node found undeployed.
   */
  redeploy?: string;
  /** sha256 of the spec (credentials included only as a hash): stored in the node's extra.slipway_digest. */
  digest: string;
}

export interface ObservedNode {
  uuid: string;
  name: string;
  driver: string;
  provisionState: string;
  targetProvisionState: string | null;
  powerState: string | null;
  /** A power change Ironic is carrying out (target_power_state), if any. */
  targetPowerState?: string | null;
  maintenance: boolean;
  /** Why the node is in maintenance (maintenance_reason), as whoever set it wrote it. */
  maintenanceReason?: string | null;
  /** Slipway set the maintenance (extra.slipway_maintenance): only then does Slipway lift it. */
  maintenanceBySlipway?: boolean;
  lastError: string | null;
  digest?: string;
  /** extra.slipway_deployed: the digest the node last reached `active` with under Slipway. */
  deployedDigest?: string;
  /** extra.slipway_site: the site that enrolled the node. */
  site?: string;
  /** MAC addresses of the node's ports. */
  macs: string[];
}

/** Metal3's small result union for one pass of the node state machine. */
export type NodeResult =
  | { kind: 'complete'; node: ObservedNode; created: boolean; changed: boolean }
  | { kind: 'failed'; node?: ObservedNode; message: string }
  | { kind: 'error'; message: string; retryable: boolean };

/** The node operations a step can run, one pass at a time (the diff's node actions map onto them). */
export type NodeOperation = 'ensure' | 'remove' | 'power-on' | 'leave-maintenance';

/**
 * What one operation carries from pass to pass (opaque to callers, but plain JSON so the
 * operator can keep it in the Site status): when it started (its timeout counts from there,
 * across requeues), the Ironic actions it issued (a failed state it caused is reported, not
 * retried), and the polling back-off.
 */
export interface NodeCarry {
  operation: NodeOperation;
  /** Epoch ms. */
  startedAt: number;
  issued: string[];
  polls: number;
  delayMs?: number;
  /** The last provision state seen (`state|target`), for progress and the back-off. */
  seen: string;
  created: boolean;
  writes: number;
}

/**
 * One pass of a node operation (Metal3 BMO's actionResult): final (complete / failed /
 * error), or "requeue after N ms": Ironic is working, look again then with `carry`.
 */
export type NodePass =
  | NodeResult
  | { kind: 'requeue'; afterMs: number; reason: string; carry: NodeCarry; node?: ObservedNode };

export type NodeProgress = (event: { node: string; state: string; message?: string }) => void;

export interface IronicDriver {
  /** Every node, one request. */
  list(): Promise<ObservedNode[]>;
  /** Enrolls (when absent, found by name then by port MAC) and drives the node to spec.target. Idempotent. */
  ensure(spec: NodeSpec, progress?: NodeProgress): Promise<NodeResult>;
  /** Undeploys/cleans as needed and deletes the node (only used with --prune / deletionPolicy Delete). */
  remove(name: string, progress?: NodeProgress): Promise<NodeResult>;
  /**
   * One pass of `operation` on the node: starts or checks one Ironic operation and returns at
   * once, never waiting on the machine. `carry` is the previous pass's (undefined: start).
   */
  pass(spec: NodeSpec, operation: NodeOperation, carry?: NodeCarry, progress?: NodeProgress): Promise<NodePass>;
}
