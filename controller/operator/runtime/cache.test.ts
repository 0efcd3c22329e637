import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createSharedCache, targetKey } from './cache.js';
import { flushPromises } from './clock.js';
import type { ListWatchSource, WatchEvent } from './kube-http.js';

type Obj = KubernetesObject & { data?: Record<string, string> };

/** A collection in memory that counts its lists and watches. */
class Collection implements ListWatchSource<Obj> {
  objs = new Map<string, Obj>();
  rv = 1;
  lists = 0;
  watches = 0;
  private emit: ((e: WatchEvent<Obj>) => void) | undefined;

  set(name: string, data: Record<string, string> = {}): void {
    const obj: Obj = { metadata: { namespace: 'ns', name, resourceVersion: String(++this.rv) }, data };
    const type = this.objs.has(name) ? 'MODIFIED' : 'ADDED';
    this.objs.set(name, obj);
    this.emit?.({ type, object: obj });
  }

  remove(name: string): void {
    const obj = this.objs.get(name);
    this.objs.delete(name);
    if (obj)
      this.emit?.({
        type: 'DELETED',
        object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } },
      });
  }

  async list() {
    this.lists++;
    return { items: [...this.objs.values()], resourceVersion: String(this.rv) };
  }

  watch(_rv: string, onEvent: (e: WatchEvent<Obj>) => void, signal: AbortSignal): Promise<void> {
    this.watches++;
    this.emit = onEvent;
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  }
}

const kubeConfig = () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  return kc;
};

describe('createSharedCache', () => {
  it('one informer for the same collection and selectors, however it is written; another for other selectors', async () => {
    const cache = createSharedCache({ kubeConfig: kubeConfig() });
    const a = cache.resource('/apis/slipway.dev/v1alpha1/sites', { name: 'sites' });
    const b = cache.resource({ path: '/apis/slipway.dev/v1alpha1/sites' }, { name: 'siteset-sites' });
    const c = cache.resource({ path: '/apis/slipway.dev/v1alpha1/sites', pageSize: 50 });
    expect(cache.size()).toBe(1);
    expect([a.name, b.name, c.name]).toEqual(['sites', 'sites', 'sites']); // the first name wins
    cache.resource({ path: '/apis/slipway.dev/v1alpha1/sites', labelSelector: 'sharding.slipway.dev/key=s1' });
    cache.resource({ path: '/api/v1/secrets', fieldSelector: 'type!=helm.sh/release.v1' });
    cache.resource({ path: '/api/v1/secrets' });
    expect(cache.size()).toBe(4);
    expect(cache.unsynced()).toHaveLength(4); // nothing started yet
    expect(a.list()).toEqual([]);
    expect(targetKey('/x')).toBe(targetKey({ path: '/x', labelSelector: '' }));
    expect(targetKey({ path: '/x', labelSelector: 'a=b' })).not.toBe(targetKey({ path: '/x', fieldSelector: 'a=b' }));
    await cache.stop();
  });

  it('lists and watches once for two subscribers and fans every event out to both', async () => {
    const src = new Collection();
    src.set('one');
    const cache = createSharedCache();
    const first = cache.resource(src, { name: 'cms' });
    const second = cache.resource(src);
    expect(cache.size()).toBe(1);
    const seenA: string[] = [];
    const seenB: string[] = [];
    const record = (into: string[]) => ({
      add: (o: Obj) => into.push(`add ${o.metadata?.name}`),
      update: (o: Obj, old: Obj) =>
        into.push(`update ${o.metadata?.name} ${old.metadata?.resourceVersion}→${o.metadata?.resourceVersion}`),
      delete: (o: Obj) => into.push(`delete ${o.metadata?.name}`),
    });
    first.onEvent(record(seenA));
    const offB = second.onEvent(record(seenB));
    const synced = second.waitForSync(); // asked before start: resolves once started and listed
    cache.start();
    await synced;
    expect(first.hasSynced()).toBe(true);
    expect(cache.unsynced()).toEqual([]);
    src.set('two');
    src.set('one', { v: '2' });
    src.remove('two');
    expect(seenA).toEqual(['add one', 'add two', 'update one 2→4', 'delete two']);
    expect(seenB).toEqual(seenA);
    expect(src.lists).toBe(1);
    expect(src.watches).toBe(1);
    expect(second.get('one', 'ns')?.data).toEqual({ v: '2' });

    offB();
    src.set('three');
    expect(seenA.at(-1)).toBe('add three');
    expect(seenB.at(-1)).toBe('delete two');
    await cache.stop();
  });

  it('a subscriber that comes late is given an add for every cached object; a throwing one does not stop the others', async () => {
    const src = new Collection();
    src.set('a');
    src.set('b');
    const cache = createSharedCache();
    const h = cache.resource(src);
    h.onEvent({
      add: () => {
        throw new Error('bad handler');
      },
    });
    cache.start();
    await h.waitForSync();
    const late: string[] = [];
    cache.resource(src).onEvent({ add: (o) => late.push(o.metadata?.name ?? '') });
    expect(late.sort()).toEqual(['a', 'b']);
    src.set('c');
    expect(late).toContain('c');
    await cache.stop();
  });

  it('an informer asked for after start() starts at once; stop() rejects waits that never synced', async () => {
    const cache = createSharedCache();
    cache.start();
    const src = new Collection();
    src.set('x');
    const h = cache.resource(src);
    await h.waitForSync();
    expect(h.list().map((o) => o.metadata?.name)).toEqual(['x']);
    await cache.stop();

    const idle = createSharedCache();
    const wait = idle.resource(new Collection()).waitForSync();
    await idle.stop();
    await expect(wait).rejects.toThrow('cache stopped');
    await flushPromises();
  });
});
