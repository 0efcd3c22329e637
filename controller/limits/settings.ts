// The limits in force for this process: defaults, the environment and flags (see index.ts).

export interface Limits {
  /** Largest file read as site documents. */
  maxFileBytes: number;
  /** Largest single YAML document of a file. */
  maxDocumentBytes: number;
  /** Most nodes a document may hold once its YAML aliases are expanded. */
  maxAliasNodes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxFileBytes: 64 * 1024 * 1024,
  maxDocumentBytes: 16 * 1024 * 1024,
  maxAliasNodes: 100_000,
};

const ENV: Record<keyof Limits, string> = {
  maxFileBytes: 'SLIPWAY_MAX_FILE_BYTES',
  maxDocumentBytes: 'SLIPWAY_MAX_DOCUMENT_BYTES',
  maxAliasNodes: 'SLIPWAY_MAX_ALIAS_NODES',
};

/** The command-line flag of each limit (parseArgs option names). */
export const LIMIT_FLAGS: Record<string, keyof Limits> = {
  'max-file-bytes': 'maxFileBytes',
  'max-document-bytes': 'maxDocumentBytes',
  'max-alias-nodes': 'maxAliasNodes',
};

let current: Limits = fromEnvironment(process.env);

/** The limits in force for this process. */
export function limits(): Readonly<Limits> {
  return current;
}

/** Sets limits (from flags); unset fields keep their value. Returns the previous limits. */
export function setLimits(changes: Partial<Limits>): Limits {
  const previous = current;
  current = { ...current, ...changes };
  return previous;
}

export class LimitValueError extends Error {}

/** A positive integer with an optional k/M/G suffix (powers of 1024): "64M", "100000". */
export function parseLimitValue(name: string, text: string): number {
  const m = /^\s*(\d+)\s*([kKmMgG]i?[bB]?)?\s*$/.exec(text);
  const n = m
    ? Number(m[1]) * ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').charAt(0).toLowerCase()] ?? 1)
    : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new LimitValueError(`${name} must be a positive number (e.g. 64M), not '${text}'`);
  return n;
}

export function fromEnvironment(env: NodeJS.ProcessEnv): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(ENV) as (keyof Limits)[]) {
    const v = env[ENV[key]];
    if (v === undefined || v === '') continue;
    try {
      out[key] = parseLimitValue(ENV[key], v);
    } catch {
      // a bad environment value keeps the default; the flag form reports its errors
    }
  }
  return out;
}

/** "64 MiB" / "100000" for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
