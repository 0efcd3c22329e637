// The one place a reconcile's outputs are built: its logger, its event recorder and its
// status writes all pass through one scrubber (render/secret-scrub.ts) that replaces every
// known secret value with `[redacted]`. The values are learnt as the reconcile goes: the
// data of the Kubernetes Secrets the Site references (read first), then the secret values
// of the documents (raw, and rendered: substituted or inherited from an `encrypted`
// document), then the BMC credential Secrets the planned nodes name. Whatever a driver, a stage or the API server echoes is scrubbed on the way out.

import type { Workflow } from '../../plan/types.js';
import { createScrubber, type SecretSource, secretValues } from '../../render/secret-scrub.js';
import type { Site, SiteStatus } from '../api/types.js';
import { type LogFields, type Logger, redact } from '../runtime/log.js';
import { referencesOf } from './references.js';
import type { EventRecorder, ReconcileDeps, SiteClient } from './types.js';

export interface Redaction {
  /** The deps with log, events and status writes scrubbed. */
  deps: ReconcileDeps;
  /** Secret values of a document set (raw or rendered) are scrubbed from here on. */
  learnDocuments(docs: Iterable<SecretSource>): void;
  learnValues(values: Iterable<string>): void;
  /** The data of every Secret the Site references (a Secret that cannot be read adds nothing). */
  learnSiteSecrets(site: Site): Promise<void>;
  /** The data of the BMC credential Secrets the workflow's nodes name (the Ironic driver reads them). */
  learnNodeSecrets(site: Site, workflow: Workflow): Promise<void>;
  scrub(text: string): string;
  /** The same error with its message scrubbed (the queue logs it). */
  scrubError(e: unknown): Error;
}

export function redactOutputs(deps: ReconcileDeps): Redaction {
  const scrubber = createScrubber();
  const scrub = (text: string) => scrubber.scrub(text);
  const learnValues = (values: Iterable<string>) => scrubber.add(values);
  const learnSecret = async (namespace: string, name: string) => {
    const data = await deps.readSecret?.(namespace, name).catch(() => undefined);
    if (data) learnValues(Object.values(data));
  };
  return {
    deps: {
      ...deps,
      log: scrubbedLogger(deps.log, scrub),
      events: scrubbedEvents(deps.events, scrub),
      sites: scrubbedSites(deps.sites, scrub),
    },
    learnValues,
    learnDocuments: (docs) => learnValues(secretValues(docs)),
    async learnSiteSecrets(site) {
      const namespace = site.metadata.namespace ?? 'default';
      for (const name of referencesOf(site).secrets) await learnSecret(namespace, name);
    },
    async learnNodeSecrets(site, workflow) {
      const namespace = site.metadata.namespace ?? 'default';
      for (const step of workflow.phases.flatMap((p) => p.steps)) {
        const ref = step.kind === 'node' ? step.spec.bmc.credentialsSecretRef : undefined;
        if (ref) await learnSecret(ref.namespace ?? namespace, ref.name);
      }
    },
    scrub,
    scrubError(e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const message = scrub(err.message);
      if (message === err.message) return err;
      const out = new Error(message);
      out.name = err.name;
      const code = (err as { code?: unknown }).code;
      if (code !== undefined) Object.assign(out, { code });
      return out;
    },
  };
}

/** A JSON-able copy of `value` with every secret value scrubbed from its strings. */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  const json = JSON.stringify(value);
  if (json === undefined) return value;
  const scrubbed = scrub(json);
  if (scrubbed === json) return value;
  try {
    return JSON.parse(scrubbed) as T;
  } catch {
    // A replacement broke the JSON (a secret spanning an escape): walk the strings instead.
    return walk(JSON.parse(json), scrub) as T;
  }
}

function walk(v: unknown, scrub: (text: string) => string): unknown {
  if (typeof v === 'string') return scrub(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, scrub));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, scrub)]));
  return v;
}

function scrubbedLogger(inner: Logger, scrub: (text: string) => string): Logger {
  const fields = (f: LogFields | undefined) => (f ? scrubDeep(redact(f) as LogFields, scrub) : f);
  return {
    debug: (msg, f) => inner.debug(scrub(msg), fields(f)),
    info: (msg, f) => inner.info(scrub(msg), fields(f)),
    warn: (msg, f) => inner.warn(scrub(msg), fields(f)),
    error: (msg, f) => inner.error(scrub(msg), fields(f)),
    child: (f) => scrubbedLogger(inner.child(fields(f) ?? {}), scrub),
    enabled: (level) => inner.enabled(level),
  };
}

function scrubbedEvents(inner: EventRecorder, scrub: (text: string) => string): EventRecorder {
  return { event: (site, type, reason, message) => inner.event(site, type, reason, scrub(message)) };
}

function scrubbedSites(inner: SiteClient, scrub: (text: string) => string): SiteClient {
  return {
    get: (namespace, name) => inner.get(namespace, name),
    patchStatus: (site, status: SiteStatus) => inner.patchStatus(site, scrubDeep(status, scrub)),
    setFinalizers: (site, finalizers) => inner.setFinalizers(site, finalizers),
  };
}
