// Argument parsing for the commands (node:util parseArgs) and the I/O they write to.

import { parseArgs, type ParseArgsConfig } from "node:util";

/** Where a command writes; tests pass collectors, main() passes the process streams. */
export interface CommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** A terminal gets a live status line; a pipe gets plain lines. */
  isTTY?: boolean;
}

/** Bad command-line usage: printed with the command's usage line, exit code 3 (bad input). */
export class UsageError extends Error {}

export function parseCommand(argv: string[], options: NonNullable<ParseArgsConfig["options"]>, usage: string, minPositionals = 1) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${usage}`);
  }
  if (parsed.positionals.length < minPositionals) throw new UsageError(`missing PATH\nusage: ${usage}`);
  return parsed;
}
