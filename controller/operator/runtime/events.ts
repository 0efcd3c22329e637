// Kubernetes Events (core v1, which `kubectl describe` and `kubectl get events` show)
// about an object. A repeat of the same event (same object, type, reason and message)
// bumps the count and lastTimestamp of the Event already written, as client-go's
// recorder does, instead of writing a new one. Recording never throws and never makes
// a reconcile wait: writes run in the background, a failed write is logged, and
// `flush()` waits for what is in flight (tests, shutdown).
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import { type Clock, realClock } from './clock.js';
import { type Logger, nullLogger } from './log.js';

/** The fields of an object an Event refers to. */
export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  normal(obj: EventTarget, reason: string, message: string): void;
  warning(obj: EventTarget, reason: string, message: string): void;
  /** normal() or warning() by `type`. */
  event(obj: EventTarget, type: EventType, reason: string, message: string): void;
  /** Resolves when every event recorded so far has been written (or has failed). */
  flush(): Promise<void>;
}

/** Where Events go: the API server, or a fake in tests. */
export interface EventSink {
  create(namespace: string, event: CoreV1Event): Promise<CoreV1Event>;
  replace(namespace: string, name: string, event: CoreV1Event): Promise<CoreV1Event>;
}

export function apiEventSink(kc: KubeConfig): EventSink {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    create: (namespace, body) => core.createNamespacedEvent({ namespace, body }),
    replace: (namespace, name, body) => core.replaceNamespacedEvent({ namespace, name, body }),
  };
}

export interface EventRecorderOptions {
  sink: EventSink;
  /** source.component / reportingComponent (default "slipway-controller"). */
  component?: string;
  /** reportingInstance, e.g. the pod name (default: $HOSTNAME or "slipway"). */
  instance?: string;
  log?: Logger;
  clock?: Clock;
  /** Remembered distinct events (LRU), default 4096 like client-go. */
  cacheSize?: number;
}

const MAX_MESSAGE = 1024;
const MAX_REASON = 128;

interface Seen {
  event: CoreV1Event;
  namespace: string;
}

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const { sink } = options;
  const component = options.component ?? 'slipway-controller';
  const instance = options.instance ?? process.env.HOSTNAME ?? 'slipway';
  const log = options.log ?? nullLogger;
  const clock = options.clock ?? realClock;
  const cacheSize = options.cacheSize ?? 4096;
  const seen = new Map<string, Seen>();
  /** One chain of writes per distinct event, so a repeat waits for the create before it. */
  const chains = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  let serial = 0;

  const remember = (key: string, value: Seen) => {
    seen.delete(key);
    seen.set(key, value);
    if (seen.size > cacheSize) seen.delete(seen.keys().next().value as string);
  };

  const write = async (key: string, type: EventType, obj: EventTarget, reason: string, message: string) => {
    const namespace = obj.metadata?.namespace || 'default';
    const now = new Date(clock.now());
    const prior = seen.get(key);
    if (prior) {
      const next: CoreV1Event = {
        ...prior.event,
        count: (prior.event.count ?? 1) + 1,
        lastTimestamp: now,
      };
      try {
        remember(key, {
          event: await sink.replace(prior.namespace, prior.event.metadata.name as string, next),
          namespace,
        });
        return;
      } catch (err) {
        // Gone (events expire after an hour) or changed under us: write a fresh one.
        if (codeOf(err) !== 404 && codeOf(err) !== 409) {
          log.warn('could not update event', { reason, object: describe(obj), error: err });
          return;
        }
        seen.delete(key);
      }
    }
    const name = `${obj.metadata?.name ?? 'unknown'}.${(clock.now() * 1000 + (serial++ % 1000)).toString(16)}`;
    const event: CoreV1Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata?.name,
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
        resourceVersion: obj.metadata?.resourceVersion,
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component },
      reportingComponent: component,
      reportingInstance: instance,
    };
    try {
      remember(key, { event: await sink.create(namespace, event), namespace });
    } catch (err) {
      log.warn('could not write event', { reason, object: describe(obj), error: err });
    }
  };

  const record = (type: EventType, obj: EventTarget, reasonIn: string, messageIn: string) => {
    try {
      const reason = reasonIn.slice(0, MAX_REASON);
      const message = messageIn.length > MAX_MESSAGE ? `${messageIn.slice(0, MAX_MESSAGE - 1)}…` : messageIn;
      const m = obj.metadata ?? {};
      const key = [m.namespace ?? '', obj.kind ?? '', m.name ?? '', m.uid ?? '', type, reason, message].join('\u0000');
      const before = chains.get(key) ?? Promise.resolve();
      const p: Promise<void> = before.then(() => write(key, type, obj, reason, message)).catch(() => undefined);
      chains.set(key, p);
      inflight.add(p);
      void p.finally(() => {
        inflight.delete(p);
        if (chains.get(key) === p) chains.delete(key);
      });
    } catch (err) {
      log.warn('could not record event', { reason: reasonIn, error: err });
    }
  };

  return {
    normal: (obj, reason, message) => record('Normal', obj, reason, message),
    warning: (obj, reason, message) => record('Warning', obj, reason, message),
    event: (obj, type, reason, message) => record(type === 'Warning' ? 'Warning' : 'Normal', obj, reason, message),
    async flush() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}

function codeOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  return typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

function describe(obj: EventTarget): string {
  return `${obj.kind ?? '?'} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? '?'}`;
}
