// The Site resource's spec and status as a structural OpenAPI v3 schema: the one source of
// both the CRD (crds.ts → crds/slipway.dev_sites.yaml) and the ajv validation of the CLI
// and the controller (validate.ts). It describes the TypeScript types in ./types.ts; a
// unit test checks that every field of those types is here and nothing else.

import { RENDER_COMPAT_MODES } from '../../render/options.js';
import { CEL } from './cel-rules.js';
import {
  arr,
  bool,
  cel,
  int,
  int64,
  localObjectReference,
  num,
  obj,
  objectName,
  type Schema,
  str,
  time,
  withRules,
} from './schema-kit.js';

export const DURATION_MESSAGE = 'must be a Go duration greater than zero, such as 30s, 5m or 1h30m';

/** A Go duration string checked by CEL (the API server) and by its TypeScript twin (the CLI). */
export function durationSchema(description: string, extra: { default?: string } = {}): Schema {
  return withRules(str(description, { maxLength: 64, ...extra }), cel(CEL.positiveDuration, DURATION_MESSAGE));
}

/** The git reference: at most one of branch, tag, commit (none: the remote's HEAD). */
export function gitRefSchema(): Schema {
  return withRules(
    obj("The git reference to follow; at most one of branch, tag or commit. None: the remote's default branch.", {
      branch: str('A branch to follow: every new commit on it is a new revision.', { minLength: 1, maxLength: 255 }),
      tag: str('A tag to check out.', { minLength: 1, maxLength: 255 }),
      commit: str('A commit SHA to check out (full or abbreviated, lower-case hex).', { pattern: '^[0-9a-f]{7,64}$' }),
    }),
    cel(CEL.atMostOneRef, 'at most one of branch, tag or commit may be set'),
  );
}

/** A folder inside the repository: relative, never climbing out with "..". */
export function repoPathSchema(description: string): Schema {
  return withRules(
    str(description, { maxLength: 1024 }),
    cel(CEL.relativePath, 'must be a relative path inside the repository, without .. segments'),
  );
}

export function gitUrlSchema(description: string): Schema {
  return withRules(
    str(description, { minLength: 1, maxLength: 2048 }),
    cel(CEL.gitUrl, 'must be an https://, http://, ssh:// or file:// URL, or user@host:path'),
  );
}

/** A Site spec; `path` is where it sits in its resource ("spec", or "spec.template.spec" in a SiteSet). */
export function siteSpecSchema(path = 'spec'): Schema {
  const src = `${path}.source`;
  const git = obj(
    'A git repository holding the site repository (Pegleg layout).',
    {
      url: gitUrlSchema('https://, http://, ssh://, user@host:path, or file:// (tests).'),
      ref: gitRefSchema(),
      path: repoPathSchema('Folder of the site repository inside the git repository (default: the root).'),
      secretRef: localObjectReference(
        'A Secret with `username`/`password` (https), `identity` and `known_hosts` (ssh), `ca.crt` (a private CA).',
      ),
      interval: durationSchema('How often to look for a new revision, as a Go duration ("5m").'),
    },
    ['url'],
  );
  const inline = withRules(
    obj('Airship documents held in the resource itself, or in ConfigMaps.', {
      documents: arr(
        "Airship documents (schema / metadata / data), in order. The whole Site must stay under the API server's object size limit (about 1.5 MiB); use ConfigMaps or git for more.",
        {
          type: 'object',
          description: 'One Airship document; checked by `slipway validate`, not by the API server.',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      ),
      configMapRefs: arr(
        'ConfigMaps whose keys (or one key) hold multi-document YAML, read in this order.',
        obj(
          "A ConfigMap in the Site's namespace.",
          {
            name: objectName('ConfigMap name.'),
            key: str('Only this key (default: every key, in key order).', { minLength: 1, maxLength: 253 }),
          },
          ['name'],
        ),
      ),
    }),
    cel(CEL.inlineNotEmpty, 'must list documents or configMapRefs'),
  );
  const source = withRules(
    obj("Where the site's documents come from: exactly one of git or inline.", { git, inline }),
    cel(CEL.exactlyOneSource, `exactly one of ${src}.git or ${src}.inline must be set`),
  );
  return obj(
    'SiteSpec is the intent: which site to render from which source, and how to apply it.',
    {
      source,
      siteName: str('The site to render from a Pegleg repository (site/<siteName>/); optional for an inline source.', {
        minLength: 1,
        maxLength: 253,
        pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
      }),
      target: obj('Where the releases go; default: the cluster the controller runs in.', {
        kubeconfigSecretRef: obj(
          'A Secret holding a kubeconfig (key `value` or `kubeconfig` unless `key` says otherwise).',
          {
            name: objectName('Secret name.'),
            key: str('The key holding the kubeconfig.', { minLength: 1, maxLength: 253, pattern: '^[-._a-zA-Z0-9]+$' }),
          },
          ['name'],
        ),
      }),
      ironic: obj(
        "The Ironic API for the site's bare-metal nodes.",
        {
          url: withRules(
            str('Ironic API endpoint, http:// or https://.', { minLength: 1, maxLength: 2048 }),
            cel(CEL.httpUrl, 'must be an http:// or https:// URL'),
          ),
          credentialsSecretRef: localObjectReference(
            "A Secret with `username` and `password` for Ironic's HTTP basic auth.",
          ),
        },
        ['url'],
      ),
      suspend: bool('Stop reconciling: nothing is fetched, applied or deleted until this is false again.'),
      prune: bool('Uninstall releases (and deprovision nodes) that a new revision no longer lists.'),
      driftDetection: str(
        "Compare each release's live objects with its manifest (a server-side apply dry run; fields owned through a subresource by other managers, such as an HPA's replicas, and the chart's drift.ignore paths are ignored). enabled: drift is repaired by re-applying the drifted objects, with no new Helm revision; warn: drift is reported (diff, events) but not repaired; disabled: not looked for.",
        { enum: ['enabled', 'warn', 'disabled'], default: 'warn' },
      ),
      timeout: durationSchema('Time allowed for one apply, as a Go duration.', { default: '30m' }),
      deletionPolicy: str(
        'What deleting the Site does: Orphan leaves releases and nodes; Delete uninstalls releases and deprovisions nodes.',
        {
          enum: ['Orphan', 'Delete'],
          default: 'Orphan',
        },
      ),
      concurrency: obj('How many steps of each driver run at once.', {
        helm: int('Concurrent helm processes.', { minimum: 1, maximum: 64 }),
        ironic: int('Concurrent Ironic node operations.', { minimum: 1, maximum: 256 }),
      }),
      sourceRewrites: arr(
        "Chart source locations rewritten by prefix before they are fetched, as git's url.<base>.insteadOf does (the longest matching prefix wins): how an air-gapped site points its charts at mirrors.",
        obj(
          'One rewrite: a location starting with prefix has it replaced by replacement.',
          {
            prefix: str('The start of a chart source location (a URL or path).', { minLength: 1, maxLength: 2048 }),
            replacement: str('What replaces the prefix.', { maxLength: 2048 }),
          },
          ['prefix', 'replacement'],
        ),
        { maxItems: 64 },
      ),
      render: obj('How the documents are rendered.', {
        compat: str(
          "deckhand: render exactly as Airship's Deckhand did, its two documented bugs included (shallow-copied substitution sources, delete by value), for a site deployed with Deckhand; unset: the correct rendering.",
          { enum: [...RENDER_COMPAT_MODES] },
        ),
      }),
    },
    ['source'],
  );
}

// --- status -------------------------------------------------------------------------

/** metav1.Condition, as the API conventions (and kstatus) expect it. */
export const conditionSchema: Schema = obj(
  'A kstatus condition: Ready, Reconciling or Stalled.',
  {
    type: str('Condition type: Ready, Reconciling, Stalled.', {
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
    reason: str('A CamelCase reason.', {
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: str('Human-readable detail.', { maxLength: 32768 }),
    lastTransitionTime: time('When the status last changed.'),
    observedGeneration: int64('The metadata.generation this condition was set for.', { minimum: 0 }),
  },
  ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
);

export const conditionsSchema: Schema = arr('kstatus conditions, one per type.', conditionSchema, {
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

export const STEP_STATES = ['Pending', 'Running', 'Succeeded', 'Unchanged', 'Failed', 'Skipped'] as const;

const readyTotal = (what: string): Schema =>
  obj(
    `${what}: how many are ready of how many the workflow lists.`,
    { ready: int(`${what} ready.`, { minimum: 0 }), total: int(`${what} in total.`, { minimum: 0 }) },
    ['ready', 'total'],
  );

/** A "ready/total" string for a printer column. */
const ratio = (description: string): Schema => str(description, { pattern: '^[0-9]+/[0-9]+$' });

export function siteStatusSchema(): Schema {
  const step = obj(
    'One workflow step (a node or a release).',
    {
      id: str('Step id, unique in the workflow.'),
      state: str('Where the step stands.', { enum: [...STEP_STATES] }),
      digest: str(
        "The step's digest when it last succeeded: a restarted controller skips the step while it still matches.",
      ),
      startedAt: time('When the step started.'),
      finishedAt: time('When the step finished.'),
      message: str('What happened (the error, for a failed step).'),
      revision: int(
        'A release step: the Helm revision the release was at after the last apply. A different revision was made outside Slipway (a hand-run helm upgrade or rollback) and is upgraded over.',
        { minimum: 1 },
      ),
      operation: obj(
        'A node step Ironic is still working on: the operation, kept across reconciles so its timeout counts from when it started.',
        {
          operation: str('The node operation.', { enum: ['ensure', 'remove', 'power-on', 'leave-maintenance'] }),
          startedAt: time('When the operation started.'),
          issued: arr('Ironic actions the operation issued.', str('An Ironic action.')),
          polls: int('Looks at the node in its current state.', { minimum: 0 }),
          delayMs: int('The current delay between looks, in ms.', { minimum: 0 }),
          seen: str('The provision state last seen (state|target).'),
          created: bool('The operation created the node.'),
          writes: int('Write requests the operation made.', { minimum: 0 }),
        },
        ['operation', 'startedAt', 'issued', 'polls', 'seen', 'created', 'writes'],
      ),
      drift: arr(
        'A node step: drift the last diff found on the node (maintenance, power state, provision state).',
        str('One drifted field: what was found and what the documents want.'),
      ),
    },
    ['id', 'state'],
  );
  return obj('SiteStatus is the observation: where the workflow stands, written by the controller.', {
    observedGeneration: int64('The metadata.generation last reconciled.', { minimum: 0 }),
    conditions: conditionsSchema,
    lastAppliedRevision: str('The source revision last applied completely.'),
    lastAttemptedRevision: str('The source revision last attempted.'),
    renderedDigest: str('Digest of the rendered workflow last attempted.'),
    workflow: obj(
      'The workflow of the revision being applied (or last applied), recorded as it runs so a restarted controller resumes.',
      {
        revision: str('Source revision.'),
        digest: str('Digest of the rendered workflow.'),
        phases: arr(
          'Phases in order.',
          obj(
            'A phase (nodes, or a chart group).',
            { name: str('Phase name.'), steps: arr('Steps of the phase.', step) },
            ['name', 'steps'],
          ),
        ),
      },
      ['revision', 'digest', 'phases'],
    ),
    nodes: readyTotal('Bare-metal nodes'),
    releases: readyTotal('Helm releases'),
    summary: obj(
      'Counts as "ready/total" strings for `kubectl get sites`.',
      { nodes: ratio('Nodes ready/total.'), releases: ratio('Releases ready/total.') },
      ['nodes', 'releases'],
    ),
    history: arr(
      'The last 5 applies, newest first.',
      obj(
        'One apply.',
        {
          revision: str('Source revision.'),
          digest: str('Digest of the rendered workflow.'),
          startedAt: time('When the apply started.'),
          finishedAt: time('When it finished.'),
          durationSeconds: num('How long it took.', { minimum: 0 }),
          result: str('Succeeded or Failed.', { enum: ['Succeeded', 'Failed'] }),
        },
        ['revision', 'digest', 'startedAt', 'finishedAt', 'durationSeconds', 'result'],
      ),
      { maxItems: 5 },
    ),
    lastHandledReconcileAt: str('The last slipway.dev/requestedAt annotation value handled.'),
    drivers: str('fake when the controller runs with --drivers fake: nothing real was installed or provisioned.', {
      enum: ['fake'],
    }),
  });
}

/** The whole resource (the CRD's openAPIV3Schema). */
export function rootSchema(kindDescription: string, spec: Schema, status: Schema): Schema {
  return obj(
    kindDescription,
    {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      metadata: { type: 'object' },
      spec,
      status,
    },
    ['spec'],
  );
}

export function siteSchema(): Schema {
  return rootSchema(
    'A Site: one Airship-style site rendered from git or inline documents, and kept applied (Ironic nodes, Helm releases).',
    siteSpecSchema(),
    siteStatusSchema(),
  );
}
