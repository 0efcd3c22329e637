// slipway validate PATH... [--site NAME]: render, then every schema check and what plan would
// refuse about the documents (names, BMC addresses, one host per node...), contacting nothing.

import { validateSite } from '../../pipeline/site.js';
import { type CommandIO, parseCommand } from '../args.js';
import { COMPAT_OPTION } from '../compat-option.js';
import { EXIT } from '../exit-codes.js';
import { printProblems } from '../output.js';
import { hideSecrets, siteOptions } from '../site-pipeline.js';

export const usage = 'slipway validate PATH... [--site NAME] [--compat deckhand]';

export async function validateCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { site: { type: 'string' }, ...COMPAT_OPTION }, usage);
  const site = await validateSite(positionals, siteOptions(values));
  hideSecrets(io, site);
  printProblems(site.problems.items, io.stderr);
  const errors = site.problems.errors.length;
  const warnings = site.problems.warnings.length;
  io.stdout(`${site.documents.length} documents, ${errors} errors${warnings ? `, ${warnings} warnings` : ''}\n`);
  return errors > 0 ? EXIT.badInput : EXIT.ok;
}
