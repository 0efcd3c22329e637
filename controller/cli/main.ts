#!/usr/bin/env node
// slipway: the command line. Each command chains stage functions; nothing here renders or plans.

import { UsageError, type CommandIO } from "./args.js";
import { renderCommand } from "./commands/render.js";
import { validateCommand } from "./commands/validate.js";
import { lintCommand } from "./commands/lint.js";

type Command = (argv: string[], io: CommandIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  render: { run: renderCommand, help: "print the rendered documents of a site" },
  validate: { run: validateCommand, help: "render and check every document against its schema" },
  lint: { run: lintCommand, help: "Pegleg-style checks of a site repository" },
};

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const list = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.help}`).join("\n");
    (name && name !== "help" && name !== "--help" ? io.stderr : io.stdout)(`usage: slipway COMMAND [options]\n\ncommands:\n${list}\n`);
    return name && name !== "help" && name !== "--help" ? 3 : 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`slipway ${name}: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}

const io: CommandIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/cli/main.js")) {
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`slipway: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
