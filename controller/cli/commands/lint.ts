// slipway lint PATH [--site NAME] [-x CODE]... [-w CODE]...

import { stat } from 'node:fs/promises';
import { lintRepository } from '../../lint/index.js';
import { isPlainSegment, PATH_OUTSIDE_REPOSITORY } from '../../source/containment.js';
import { ioFailure, kindOf } from '../../source/read-user-file.js';
import { type CommandIO, parseCommand } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { printProblems } from '../output.js';

export const usage = 'slipway lint PATH [--site NAME] [-x CODE]... [-w CODE]...';

export async function lintCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      site: { type: 'string' },
      exclude: { type: 'string', short: 'x', multiple: true, default: [] },
      warn: { type: 'string', short: 'w', multiple: true, default: [] },
    },
    usage,
  );
  const site = values.site as string | undefined;
  if (site !== undefined && !isPlainSegment(site)) {
    io.stderr(
      `${PATH_OUTSIDE_REPOSITORY}: site '${site}' is not a folder name under site/: a site name is one path segment, without '/' or '..'\n`,
    );
    return EXIT.badInput;
  }
  const notAFolder = await folderProblem(positionals[0]!);
  if (notAFolder) {
    io.stderr(`${notAFolder.code}: ${notAFolder.message}\n`);
    return EXIT.badInput;
  }
  const problems = await lintRepository(positionals[0]!, {
    site: values.site as string | undefined,
    exclude: values.exclude as string[],
    warn: values.warn as string[],
  });
  printProblems(problems, io.stderr);
  const errors = problems.filter((p) => p.severity === 'error').length;
  io.stdout(`${errors} errors, ${problems.length - errors} warnings\n`);
  return errors > 0 ? EXIT.badInput : EXIT.ok;
}

/** lint reads a repository: a folder. Anything else is a named problem (a FIFO is never opened). */
async function folderProblem(path: string): Promise<{ code: string; message: string } | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory()
      ? undefined
      : { code: 'NotADirectory', message: `${path} is a ${kindOf(info)}, not a site repository folder` };
  } catch (e) {
    return ioFailure(e, path);
  }
}
