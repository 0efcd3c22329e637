// execa, loaded the first time a process is started. Importing execa and its dependencies
// costs about 0.17 s of CPU (some 130 modules), which every command that never starts a
// process (render, validate, lint, plan of local charts) would otherwise pay at start-up.

import type { Options, ResultPromise } from 'execa';

let loading: Promise<typeof import('execa')> | undefined;

/** execa(file, args, options), as execa has it, once the module is loaded. */
export async function execa<O extends Options>(
  file: string,
  args: readonly string[],
  options: O,
): Promise<Awaited<ResultPromise<{} & O>>> {
  const { execa: run } = await (loading ??= import('execa'));
  return await run(file, args, options);
}
