// slipway validate PATH... [--site NAME]: render, then every schema check.

import { printProblems } from "../output.js";
import { hideSecrets, renderSite } from "../site-pipeline.js";
import { EXIT } from "../exit-codes.js";
import { parseCommand, type CommandIO } from "../args.js";

export const usage = "slipway validate PATH... [--site NAME]";

export async function validateCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { site: { type: "string" } }, usage);
  const site = await renderSite(positionals, { site: values.site as string | undefined, validate: true });
  hideSecrets(io, site);
  printProblems(site.problems.items, io.stderr);
  const errors = site.problems.errors.length;
  const warnings = site.problems.warnings.length;
  io.stdout(`${site.documents.length} documents, ${errors} errors${warnings ? `, ${warnings} warnings` : ""}\n`);
  return errors > 0 ? EXIT.badInput : EXIT.ok;
}
