// slipway plan PATH --site NAME [-o text|json] [--graph mermaid|dot] [--show-secrets]

import { planSite } from '../../pipeline/site.js';
import { formatGraph, type GraphFormat, redactStep } from '../../plan/index.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';
import { COMPAT_OPTION } from '../compat-option.js';
import { EXIT } from '../exit-codes.js';
import { ONLY_OPTION, ONLY_USAGE, onlyFrom } from '../only-option.js';
import { printProblems } from '../output.js';
import { hideSecrets, siteOptions } from '../site-pipeline.js';
import { SOURCE_OPTIONS, SOURCE_USAGE, sourceOptions } from '../source-options.js';

export const usage = `slipway plan PATH... [--site NAME] ${SOURCE_USAGE} ${ONLY_USAGE} [-o text|json] [--graph mermaid|dot] [--show-secrets] [--compat deckhand]`;

export async function planCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      site: { type: 'string' },
      ...SOURCE_OPTIONS,
      ...ONLY_OPTION,
      output: { type: 'string', short: 'o', default: 'text' },
      graph: { type: 'string' },
      'show-secrets': { type: 'boolean', default: false },
      ...COMPAT_OPTION,
    },
    usage,
  );
  if (values.output !== 'text' && values.output !== 'json')
    throw new UsageError(`-o must be text or json, not '${String(values.output)}'\nusage: ${usage}`);
  if (values.graph !== undefined && values.graph !== 'mermaid' && values.graph !== 'dot')
    throw new UsageError(`--graph must be mermaid or dot\nusage: ${usage}`);
  const site = await planSite(positionals, {
    ...siteOptions(values),
    sources: sourceOptions(values),
    only: onlyFrom(values),
  });
  hideSecrets(io, site, values['show-secrets'] === true);
  printProblems(site.problems.items, io.stderr);
  if (!site.workflow) return EXIT.badInput;
  const workflow = {
    ...site.workflow,
    phases: site.workflow.phases.map((p) => ({
      ...p,
      steps: p.steps.map((s) => redactStep(s, values['show-secrets'] === true)),
    })),
  };
  if (values.graph !== undefined) {
    io.stdout(formatGraph(workflow, values.graph as GraphFormat));
  } else if (values.output === 'json') {
    io.stdout(`${JSON.stringify(workflow, null, 2)}\n`);
  } else if (values.output === 'text') {
    io.stdout(
      `site ${workflow.site ?? '-'}, manifest ${workflow.manifest ?? '-'}, digest ${workflow.digest.slice(0, 12)}\n`,
    );
    workflow.phases.forEach((phase, i) => {
      io.stdout(
        `${i + 1}. ${phase.name}${phase.sequenced ? ' (sequenced)' : phase.kind === 'chart-group' ? ' (parallel)' : ''}\n`,
      );
      for (const s of phase.steps) {
        const what =
          s.kind === 'release' ? `chart ${s.origin.name}` : `${s.spec.bmc.address.split(':')[0]} → ${s.spec.target}`;
        io.stdout(`   ${s.id.padEnd(40)} ${what.padEnd(28)} ${s.digest.slice(0, 12)}  ${s.origin.at}\n`);
      }
    });
  } else throw new UsageError('-o must be text or json');
  return EXIT.ok;
}
