#!/usr/bin/env node
// slipway: the command line. Each command chains stage functions; nothing here renders or plans.
// Here: the exit-code table (exit-codes.ts) for what a command throws, `--help`, and the
// output every command writes through (secrets scrubbed, see render/secret-scrub.ts).

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScrubber } from '../render/secret-scrub.js';
import { ioFailure } from '../source/read-user-file.js';
import { type CommandIO, HelpRequested, LIMITS_USAGE, UsageError, wantsHelp } from './args.js';
import { EXIT } from './exit-codes.js';

type Command = (argv: string[], io: CommandIO) => Promise<number>;
interface CommandModule {
  run: Command;
  usage: string;
}

// Commands are loaded on use, so `slipway render` does not pay for the operator's modules.
const COMMANDS: Record<string, { load: () => Promise<CommandModule>; help: string }> = {
  render: {
    load: async () => import('./commands/render.js').then((m) => ({ run: m.renderCommand, usage: m.usage })),
    help: 'print the rendered documents of a site',
  },
  validate: {
    load: async () => import('./commands/validate.js').then((m) => ({ run: m.validateCommand, usage: m.usage })),
    help: 'render and check every document against its schema',
  },
  lint: {
    load: async () => import('./commands/lint.js').then((m) => ({ run: m.lintCommand, usage: m.usage })),
    help: 'Pegleg-style checks of a site repository',
  },
  plan: {
    load: async () => import('./commands/plan.js').then((m) => ({ run: m.planCommand, usage: m.usage })),
    help: 'print the deployment workflow of a site',
  },
  diff: {
    load: async () => import('./commands/diff.js').then((m) => ({ run: m.diffCommand, usage: m.usage })),
    help: 'show what apply would change (exit 2 when something would)',
  },
  apply: {
    load: async () => import('./commands/apply.js').then((m) => ({ run: m.applyCommand, usage: m.usage })),
    help: "drive bare metal and releases to the site's documents",
  },
  controller: {
    load: async () => import('./commands/controller.js').then((m) => ({ run: m.controllerCommand, usage: m.usage })),
    help: 'run the Kubernetes operator that reconciles Site resources',
  },
  site: {
    load: async () => import('./commands/site.js').then((m) => ({ run: m.siteCommand, usage: m.usage })),
    help: 'new: a site from another of its type; diff: how two sites differ',
  },
  fleet: {
    load: async () => import('./commands/fleet.js').then((m) => ({ run: m.fleetCommand, usage: m.usage })),
    help: 'rollout status of SiteSets across the fleet',
  },
};

const EXIT_TABLE = 'exit codes: 0 done, 1 failed, 2 a diff was found (diff), 3 bad input or usage (nothing touched)';

function helpText(module: CommandModule): string {
  return `usage: ${module.usage}\n\noptions every command takes: ${LIMITS_USAGE} (input limits; also SLIPWAY_MAX_FILE_BYTES, SLIPWAY_MAX_DOCUMENT_BYTES, SLIPWAY_MAX_ALIAS_NODES)\n${EXIT_TABLE}\n`;
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.help}`)
      .join('\n');
    const asked = !name || name === 'help' || name === '--help' || name === '-h';
    (asked ? io.stdout : io.stderr)(
      `${asked ? '' : `slipway: unknown command '${name}'\n`}usage: slipway COMMAND [options]\n\ncommands:\n${list}\n\n${EXIT_TABLE}\n`,
    );
    return asked ? EXIT.ok : EXIT.badInput;
  }
  const module = await command.load();
  if (wantsHelp(rest)) {
    io.stdout(helpText(module));
    return EXIT.ok;
  }
  try {
    return await module.run(rest, io);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout(helpText(module));
      return EXIT.ok;
    }
    if (e instanceof UsageError) {
      io.stderr(`slipway ${name}: ${e.message}${e.message.includes('usage: ') ? '' : `\nusage: ${module.usage}`}\n`);
      return EXIT.badInput;
    }
    // An I/O error on a path (a file the command was given, or one its options name): bad input.
    const errno = e as NodeJS.ErrnoException;
    if (typeof errno?.code === 'string' && /^E[A-Z]+$/.test(errno.code) && typeof errno.path === 'string') {
      const f = ioFailure(e, errno.path);
      io.stderr(`slipway ${name}: ${f.code}: ${f.message}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
}

/** Output through `sinks`, every write scrubbed of the secrets the command has read. */
export function scrubbedIO(sinks: Pick<CommandIO, 'stdout' | 'stderr' | 'isTTY'>, signal?: AbortSignal): CommandIO {
  const scrubber = createScrubber();
  return {
    stdout: (s) => sinks.stdout(scrubber.scrub(s)),
    stderr: (s) => sinks.stderr(scrubber.scrub(s)),
    isTTY: sinks.isTTY === true,
    redact: (values) => scrubber.add(values),
    ...(signal ? { signal } : {}),
  };
}

// A reader that goes away (`slipway render ... | head`) ends the command quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// Run when this file is the program, however it was started: `node dist/.../main.js`, or a bin
// symlink (`npx slipway`, `npm link`, a global install) whose path is not this file's.
if (isProgramEntry(process.argv[1])) {
  const abort = new AbortController();
  const io = scrubbedIO(
    {
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
      isTTY: process.stdout.isTTY === true,
    },
    abort.signal,
  );
  const finish = (code: number) => {
    process.exitCode = code;
    // Whatever a driver left running (a retry, a poll) is cancelled; should anything still
    // hold the process, it ends shortly after the result was printed.
    if (!abort.signal.aborted) abort.abort(new Error('the command has ended'));
    // The result is printed: nothing left (a keep-alive socket, a retry timer) may hold the
    // process. Exit once both streams have taken what was written.
    let pending = 2;
    const done = () => {
      if (--pending === 0) process.exit(code);
    };
    process.stdout.write('', done);
    process.stderr.write('', done);
  };
  main(process.argv.slice(2), io).then(finish, (e: unknown) => {
    const detail = process.env.SLIPWAY_DEBUG
      ? e instanceof Error
        ? (e.stack ?? e.message)
        : String(e)
      : e instanceof Error
        ? e.message
        : String(e);
    io.stderr(`slipway: internal error: ${detail}\n`);
    finish(EXIT.failed);
  });
}

function isProgramEntry(argv1: string | undefined): boolean {
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
