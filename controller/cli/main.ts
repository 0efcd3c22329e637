#!/usr/bin/env node
// slipway: the command line. Each command chains stage functions; nothing here renders or plans.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError, type CommandIO } from "./args.js";

type Command = (argv: string[], io: CommandIO) => Promise<number>;

// Commands are loaded on use, so `slipway render` does not pay for the operator's modules.
const COMMANDS: Record<string, { load: () => Promise<Command>; help: string }> = {
  render: { load: async () => (await import("./commands/render.js")).renderCommand, help: "print the rendered documents of a site" },
  validate: { load: async () => (await import("./commands/validate.js")).validateCommand, help: "render and check every document against its schema" },
  lint: { load: async () => (await import("./commands/lint.js")).lintCommand, help: "Pegleg-style checks of a site repository" },
  plan: { load: async () => (await import("./commands/plan.js")).planCommand, help: "print the deployment workflow of a site" },
  diff: { load: async () => (await import("./commands/diff.js")).diffCommand, help: "show what apply would change (exit 2 when something would)" },
  apply: { load: async () => (await import("./commands/apply.js")).applyCommand, help: "drive bare metal and releases to the site's documents" },
  controller: { load: async () => (await import("./commands/controller.js")).controllerCommand, help: "run the Kubernetes operator that reconciles Site resources" },
  site: { load: async () => (await import("./commands/site.js")).siteCommand, help: "new: a site from another of its type; diff: how two sites differ" },
  fleet: { load: async () => (await import("./commands/fleet.js")).fleetCommand, help: "rollout status of SiteSets across the fleet" },
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
    return await (await command.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`slipway ${name}: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}

// A reader that goes away (`slipway render ... | head`) ends the command quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

const io: CommandIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), isTTY: process.stdout.isTTY === true };

// Run when this file is the program, however it was started: `node dist/.../main.js`, or a bin
// symlink (`npx slipway`, `npm link`, a global install) whose path is not this file's.
if (isProgramEntry(process.argv[1])) {
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

function isProgramEntry(argv1: string | undefined): boolean {
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
