// Argument parsing for the commands (node:util parseArgs) and the I/O they write to.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { LIMIT_FLAGS, type Limits, LimitValueError, parseLimitValue, setLimits } from '../limits/index.js';

/** Where a command writes; tests pass collectors, main() passes the process streams. */
export interface CommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** A terminal gets a live status line; a pipe gets plain lines. */
  isTTY?: boolean;
  /** Values never to print from here on (secrets of the documents just read): each becomes `[redacted]`. */
  redact?: (values: Iterable<string>) => void;
  /** Aborted when the command must stop (a fatal error): drivers cancel what is in flight. */
  signal?: AbortSignal;
}

/** Bad command-line usage: printed with the command's usage line, exit code 3 (bad input). */
export class UsageError extends Error {}

/** `--help` / `-h`: the usage is printed to stdout, exit code 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help');
  }
}

/** True when argv asks for help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Options every command takes: the input limits (see controller/limits). */
const LIMIT_OPTIONS = Object.fromEntries(Object.keys(LIMIT_FLAGS).map((f) => [f, { type: 'string' as const }]));

export const LIMITS_USAGE = '[--max-file-bytes N] [--max-document-bytes N] [--max-alias-nodes N]';

export function parseCommand(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  minPositionals = 1,
) {
  if (wantsHelp(argv)) throw new HelpRequested(usage);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...LIMIT_OPTIONS, ...options } as typeof options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${usage}`);
  }
  const changes: Partial<Limits> = {};
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const v = (parsed.values as Record<string, unknown>)[flag];
    if (typeof v !== 'string') continue;
    try {
      changes[key] = parseLimitValue(`--${flag}`, v);
    } catch (e) {
      if (e instanceof LimitValueError) throw new UsageError(`${e.message}\nusage: ${usage}`);
      throw e;
    }
    delete (parsed.values as Record<string, unknown>)[flag];
  }
  setLimits(changes);
  if (parsed.positionals.length < minPositionals) throw new UsageError(`missing PATH\nusage: ${usage}`);
  return parsed;
}
