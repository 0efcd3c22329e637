import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import { watchResources } from './informer.js';
import { KubeHttpError, type ListWatchSource, type WatchEvent } from './kube-http.js';
import { memoryLogger } from './log.js';

type Obj = KubernetesObject & { data?: Record<string, string> };

/** An API server in memory: objects with resourceVersions, one open watch at a time. */
class FakeApi implements ListWatchSource<Obj> {
  objects = new Map<string, Obj>();
  rv = 100;
  down: Error | undefined;
  lists = 0;
  watches: string[] = [];
  private stream: { emit: (e: WatchEvent<Obj>) => void; end: (err?: unknown) => void } | undefined;

  put(name: string, data: Record<string, string>, notify = true): Obj {
    const obj: Obj = { metadata: { name, namespace: 'ns', resourceVersion: String(++this.rv) }, data };
    const type = this.objects.has(name) ? 'MODIFIED' : 'ADDED';
    this.objects.set(name, obj);
    if (notify) this.stream?.emit({ type, object: obj });
    return obj;
  }

  remove(name: string, notify = true): void {
    const obj = this.objects.get(name);
    this.objects.delete(name);
    this.rv++;
    if (obj && notify) this.stream?.emit({ type: 'DELETED', object: obj });
  }

  async list(): Promise<{ items: Obj[]; resourceVersion: string }> {
    this.lists++;
    if (this.down) throw this.down;
    return { items: [...this.objects.values()], resourceVersion: String(this.rv) };
  }

  watch(rv: string, onEvent: (e: WatchEvent<Obj>) => void, signal: AbortSignal): Promise<void> {
    this.watches.push(rv);
    if (this.down) return Promise.reject(this.down);
    return new Promise((resolve, reject) => {
      const end = (err?: unknown) => {
        this.stream = undefined;
        if (err) reject(err);
        else resolve();
      };
      this.stream = {
        emit: (e) => {
          try {
            onEvent(e);
          } catch (err) {
            end(err);
          }
        },
        end,
      };
      signal.addEventListener('abort', () => end(signal.reason));
    });
  }

  /** The server goes away: the open watch breaks, lists and watches fail. */
  crash(): void {
    this.down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:16443'), { code: 'ECONNREFUSED' });
    this.stream?.end(this.down);
  }

  restart(): void {
    this.down = undefined;
  }

  endWatch(): void {
    this.stream?.end();
  }

  sendError(code: number): void {
    this.stream?.emit({ type: 'ERROR', object: { code, message: 'too old resource version' } as unknown as Obj });
  }

  bookmark(rv: string): void {
    this.stream?.emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: rv } } });
  }
}

function recordHandlers() {
  const events: string[] = [];
  return {
    events,
    handlers: {
      add: (o: Obj) => events.push(`add ${o.metadata?.name}`),
      update: (o: Obj, old: Obj) => events.push(`update ${o.metadata?.name} ${old.data?.v}->${o.data?.v}`),
      delete: (o: Obj) => events.push(`delete ${o.metadata?.name}`),
    },
  };
}

describe('watchResources (fake list/watch)', () => {
  it('lists, syncs, then delivers watch events and keeps a cache', async () => {
    const api = new FakeApi();
    api.put('a', { v: '1' });
    const { events, handlers } = recordHandlers();
    const inf = watchResources<Obj>(undefined, api, handlers, { clock: new FakeClock() });
    expect(inf.hasSynced()).toBe(false);
    await inf.waitForSync();
    expect(inf.hasSynced()).toBe(true);
    api.put('b', { v: '1' });
    api.put('a', { v: '2' });
    api.remove('b');
    expect(events).toEqual(['add a', 'add b', 'update a 1->2', 'delete b']);
    expect(inf.get('a', 'ns')?.data).toEqual({ v: '2' });
    expect(inf.list().map((o) => o.metadata?.name)).toEqual(['a']);
    await inf.stop();
  });

  it('survives the API server going away: backs off, re-lists, emits what changed meanwhile', async () => {
    const api = new FakeApi();
    api.put('keep', { v: '1' });
    api.put('change', { v: '1' });
    api.put('gone', { v: '1' });
    const clock = new FakeClock();
    const { log, lines } = memoryLogger();
    const { events, handlers } = recordHandlers();
    const inf = watchResources<Obj>(undefined, api, handlers, { clock, log, random: () => 0.5 });
    await inf.waitForSync();
    events.length = 0;

    api.crash();
    await flushPromises();
    // While it is down: changes happen that no watch reports.
    api.put('change', { v: '2' }, false);
    api.remove('gone', false);
    api.put('new', { v: '1' }, false);
    await clock.advance(1000); // first retry fails: still down
    expect(api.lists).toBe(2);
    await clock.advance(2000);
    expect(api.lists).toBe(3);
    api.restart();
    await clock.advance(4000);
    expect(api.lists).toBe(4);
    expect(events.sort()).toEqual(['add new', 'delete gone', 'update change 1->2']);
    expect(lines.filter((l) => l.msg.startsWith('list/watch failed')).map((l) => l.retryInMs)).toEqual([
      1000, 2000, 4000,
    ]);

    // A watch that ran for a while and then broke starts the backoff over at 1 s.
    await clock.advance(60_000);
    api.crash();
    await flushPromises();
    api.restart();
    await clock.advance(1000);
    expect(api.lists).toBe(5);

    // And the new watch works.
    events.length = 0;
    api.put('after', { v: '1' });
    expect(events).toEqual(['add after']);
    await inf.stop();
  });

  it('drops managedFields by default (or applies the given transform)', async () => {
    const api = new FakeApi();
    const obj = api.put('a', { v: '1' });
    obj.metadata!.managedFields = [{ manager: 'kubectl' }];
    const inf = watchResources<Obj>(undefined, api, {}, { clock: new FakeClock() });
    await inf.waitForSync();
    expect(inf.get('a', 'ns')?.metadata).not.toHaveProperty('managedFields');
    expect(obj.metadata?.managedFields).toHaveLength(1); // the source's object is not mutated
    await inf.stop();
  });

  it('a normal end of the watch re-watches from the last resourceVersion without listing', async () => {
    const api = new FakeApi();
    const inf = watchResources<Obj>(undefined, api, {}, { clock: new FakeClock() });
    await inf.waitForSync();
    api.put('x', { v: '1' });
    api.bookmark('250');
    api.endWatch();
    await flushPromises();
    expect(api.lists).toBe(1);
    expect(api.watches).toEqual(['100', '250']);
    await inf.stop();
  });

  it('410 Gone (HTTP or in-stream ERROR) re-lists at once', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const inf = watchResources<Obj>(undefined, api, {}, { clock });
    await inf.waitForSync();
    api.sendError(410);
    await flushPromises();
    expect(api.lists).toBe(2);
    const real = api.watch.bind(api);
    let once = true;
    api.watch = (rv, on, signal) => {
      if (once) {
        once = false;
        return Promise.reject(new KubeHttpError('Expired', 410));
      }
      return real(rv, on, signal);
    };
    api.endWatch();
    await flushPromises();
    expect(api.lists).toBe(3);
    await inf.stop();
  });

  it('an in-stream ERROR other than 410 backs off before re-listing', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const inf = watchResources<Obj>(undefined, api, {}, { clock, random: () => 0.5 });
    await inf.waitForSync();
    api.sendError(500);
    await flushPromises();
    expect(api.lists).toBe(1);
    await clock.advance(1000);
    expect(api.lists).toBe(2);
    await inf.stop();
  });

  it('a throwing handler is logged and does not stop the informer', async () => {
    const api = new FakeApi();
    const { log, lines } = memoryLogger();
    const seen: string[] = [];
    const inf = watchResources<Obj>(
      undefined,
      api,
      {
        add: (o) => {
          seen.push(o.metadata?.name as string);
          if (o.metadata?.name === 'bad') throw new Error('handler bug');
        },
      },
      { clock: new FakeClock(), log },
    );
    await inf.waitForSync();
    api.put('bad', {});
    api.put('good', {});
    expect(seen).toEqual(['bad', 'good']);
    expect(lines.some((l) => l.msg === 'add handler threw')).toBe(true);
    await inf.stop();
  });

  it('stop() ends the loop even while backing off, and waitForSync rejects when stopped first', async () => {
    const api = new FakeApi();
    api.crash();
    const clock = new FakeClock();
    const inf = watchResources<Obj>(undefined, api, {}, { clock });
    const sync = inf.waitForSync();
    await flushPromises();
    await inf.stop();
    await expect(sync).rejects.toThrow('informer stopped');
    const lists = api.lists;
    await clock.advance(60_000);
    expect(api.lists).toBe(lists);
    expect(clock.pending()).toBe(0);
  });
});

describe('collectionPath', () => {
  it('builds core and group paths, namespaced or not', async () => {
    const { collectionPath } = await import('./kube-http.js');
    expect(collectionPath({ group: 'slipway.dev', version: 'v1alpha1', plural: 'sites' })).toBe(
      '/apis/slipway.dev/v1alpha1/sites',
    );
    expect(collectionPath({ group: 'slipway.dev', version: 'v1alpha1', plural: 'sites', namespace: 'infra' })).toBe(
      '/apis/slipway.dev/v1alpha1/namespaces/infra/sites',
    );
    expect(collectionPath({ version: 'v1', plural: 'configmaps', namespace: 'infra' })).toBe(
      '/api/v1/namespaces/infra/configmaps',
    );
    expect(collectionPath({ group: 'core', version: 'v1', plural: 'secrets' })).toBe('/api/v1/secrets');
  });
});
