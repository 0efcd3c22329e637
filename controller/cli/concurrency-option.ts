// `--concurrency helm=N,ironic=M`: how many helm releases and Ironic nodes one run works on at
// once (the Site's spec.concurrency, from the command line). A bare number sets helm only.

import { UsageError } from './args.js';

export interface Concurrency {
  helm?: number;
  ironic?: number;
}

export const CONCURRENCY_OPTION = { concurrency: { type: 'string' } } as const;
export const CONCURRENCY_USAGE = '[--concurrency helm=N,ironic=M]';

const MAX = 1000;

export function concurrencyFrom(values: { concurrency?: unknown }): Concurrency | undefined {
  const text = values.concurrency;
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || text.trim() === '') throw bad(String(text));
  const out: Concurrency = {};
  for (const part of text.split(',')) {
    const [key, value, extra] = part.includes('=') ? part.split('=') : ['helm', part];
    if (extra !== undefined || (key !== 'helm' && key !== 'ironic')) throw bad(text);
    if (out[key] !== undefined) throw new UsageError(`--concurrency names ${key} twice in '${text}'`);
    out[key] = count(key, value ?? '', text);
  }
  return out;
}

function count(key: string, value: string, text: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX)
    throw new UsageError(`--concurrency ${key} must be a whole number from 1 to ${MAX}, not '${value}' in '${text}'`);
  return n;
}

function bad(text: string): UsageError {
  return new UsageError(`--concurrency must look like helm=4,ironic=20 (or a number for helm), not '${text}'`);
}
