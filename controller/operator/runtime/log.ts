// Structured JSON logs, one object per line on stderr:
//   {"ts":"2026-…Z","level":"info","msg":"…","site":"ns/name","revision":"abc123",…}
// Child loggers carry fields (a reconcile's logger carries the Site key and revision, so
// every line it writes has them). Values under keys that name a credential (password,
// token, secret, credentials, …) are never printed, at any depth, and user:password@ in
// URLs is masked.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (later fields override earlier ones). */
  child(fields: LogFields): Logger;
  /** True when lines of `level` are written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** Lowest level written (default: $SLIPWAY_LOG_LEVEL, else "info"). */
  level?: LogLevel;
  /** Where lines go (default: process.stderr). Gets one line with its trailing newline. */
  write?: (line: string) => void;
  /** Time source (default Date.now). */
  now?: () => number;
  fields?: LogFields;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const REDACTED = '[REDACTED]';

/**
 * True for keys whose values are credentials: the name, with separators removed and
 * lowercased, is or ends with one of these words (password, dbPassword, api_token,
 * clientSecret, credentials…). References such as `secretRef` or
 * `credentialsSecretRef` only name a Secret and are printed.
 */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_EXACT.has(k) || SENSITIVE_SUFFIXES.some((s) => k.endsWith(s));
}
/** Keys sensitive only on their own (`holderIdentity` is not, an ssh `identity` is). */
const SENSITIVE_EXACT = new Set(['identity']);
const SENSITIVE_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'token',
  'tokens',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'apikey',
  'authorization',
  'privatekey',
];

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;

/** A copy of `value` safe to print: credential keys redacted, errors made plain. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.replace(URL_USERINFO, `$1$2:${REDACTED}@`);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth > 8) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: redact(value.message, depth + 1, seen) };
    const extra = value as unknown as { code?: unknown; cause?: unknown };
    if (extra.code !== undefined) out.code = extra.code;
    if (extra.cause !== undefined) out.cause = redact(extra.cause, depth + 1, seen);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Map) return redact(Object.fromEntries(value), depth, seen);
  if (value instanceof Set) return redact([...value], depth, seen);
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

function envLevel(): LogLevel | undefined {
  const v = process.env.SLIPWAY_LOG_LEVEL?.toLowerCase();
  return v && v in ORDER ? (v as LogLevel) : undefined;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? envLevel() ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? Date.now;
  return make(options.fields ?? {}, min, write, now);
}

function make(base: LogFields, min: number, write: (line: string) => void, now: () => number): Logger {
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const merged = fields ? { ...base, ...fields } : base;
    const rest = redact(merged) as LogFields;
    delete rest.ts;
    delete rest.level;
    delete rest.msg;
    let line: string;
    try {
      line = JSON.stringify({ ts: new Date(now()).toISOString(), level, msg: redact(msg), ...rest });
    } catch (err) {
      line = JSON.stringify({ ts: new Date(now()).toISOString(), level, msg: redact(msg), logError: String(err) });
    }
    write(`${line}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => make({ ...base, ...fields }, min, write, now),
    enabled: (level) => ORDER[level] >= min,
  };
}

/** A logger that drops everything (tests, callers that were given none). */
export const nullLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => nullLogger,
  enabled: () => false,
};

/** Test helper: a logger that keeps parsed lines. */
export function memoryLogger(level: LogLevel = 'debug'): {
  log: Logger;
  lines: Array<LogFields & { level: LogLevel; msg: string }>;
} {
  const lines: Array<LogFields & { level: LogLevel; msg: string }> = [];
  const log = createLogger({ level, write: (l) => void lines.push(JSON.parse(l)) });
  return { log, lines };
}
