// slipway render PATH... [--site NAME] [-o yaml|json] [--show-secrets]

import { redactDocument } from '../../render/index.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';
import { COMPAT_OPTION } from '../compat-option.js';
import { EXIT } from '../exit-codes.js';
import { formatDocuments, type OutputFormat, printProblems } from '../output.js';
import { hideSecrets, renderSite, siteOptions } from '../site-pipeline.js';

export const usage = 'slipway render PATH... [--site NAME] [-o yaml|json] [--show-secrets] [--compat deckhand]';

export async function renderCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      site: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'yaml' },
      'show-secrets': { type: 'boolean', default: false },
      ...COMPAT_OPTION,
    },
    usage,
  );
  const format = outputFormat(values.output as string);
  const site = await renderSite(positionals, siteOptions(values));
  hideSecrets(io, site, values['show-secrets'] === true);
  printProblems(site.problems.items, io.stderr);
  if (site.problems.hasErrors) return EXIT.badInput;
  io.stdout(
    formatDocuments(
      site.documents.map((d) => redactDocument(d, values['show-secrets'] === true)),
      format,
    ),
  );
  return EXIT.ok;
}

export function outputFormat(value: string): OutputFormat {
  if (value === 'yaml' || value === 'json') return value;
  throw new UsageError(`-o must be yaml or json, not '${value}'`);
}
