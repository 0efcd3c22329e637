// An in-memory Site store for unit tests: the SiteClient seam, with every write recorded.

import type { Site, SiteStatus } from '../api/types.js';
import type { EventRecorder, SiteClient } from './types.js';

export interface MemoryStore extends SiteClient {
  put(site: Site): void;
  site(namespace: string, name: string): Site | undefined;
  statusWrites: SiteStatus[];
  finalizerWrites: number;
  /** Marks a Site deleted (deletionTimestamp set); removed once its finalizers are gone. */
  markDeleted(namespace: string, name: string): void;
}

export function memoryStore(): MemoryStore {
  const sites = new Map<string, Site>();
  const key = (ns: string | undefined, n: string) => `${ns ?? 'default'}/${n}`;
  const store: MemoryStore = {
    statusWrites: [],
    finalizerWrites: 0,
    put(site) {
      sites.set(key(site.metadata.namespace, site.metadata.name), structuredClone(site));
    },
    site(ns, n) {
      const s = sites.get(key(ns, n));
      return s && structuredClone(s);
    },
    async get(ns, n) {
      return store.site(ns, n);
    },
    async patchStatus(site, status) {
      const s = sites.get(key(site.metadata.namespace, site.metadata.name));
      if (!s) throw new Error('not found');
      s.status = structuredClone(status);
      store.statusWrites.push(structuredClone(status));
    },
    async setFinalizers(site, finalizers) {
      const k = key(site.metadata.namespace, site.metadata.name);
      const s = sites.get(k);
      if (!s) throw new Error('not found');
      s.metadata.finalizers = [...finalizers];
      store.finalizerWrites++;
      if (s.metadata.deletionTimestamp && finalizers.length === 0) sites.delete(k);
      return structuredClone(s);
    },
    markDeleted(ns, n) {
      const s = sites.get(key(ns, n));
      if (s) s.metadata.deletionTimestamp = new Date().toISOString();
    },
  };
  return store;
}

export function memoryEvents(): EventRecorder & { list: { type: string; reason: string; message: string }[] } {
  const list: { type: string; reason: string; message: string }[] = [];
  return { list, event: (_site, type, reason, message) => list.push({ type, reason, message }) };
}
