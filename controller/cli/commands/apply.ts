// slipway apply PATH --site NAME [--kube-context C] [--ironic-url U] [--drivers real|fake] [--concurrency helm=N,ironic=M]
//   [--dry-run] [--prune] [-o text|json]

import { diffWorkflow } from '../../diff/index.js';
import { executeWorkflow } from '../../execute/index.js';
import { observeSite } from '../../pipeline/observe-site.js';
import { planSite } from '../../pipeline/site.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';
import { COMPAT_OPTION } from '../compat-option.js';
import { CONCURRENCY_OPTION, CONCURRENCY_USAGE, concurrencyFrom } from '../concurrency-option.js';
import { DRIFT_OPTION, DRIFT_USAGE, driftDetection } from '../drift-option.js';
import { DRIVER_OPTIONS, DRIVER_USAGE, driverConfig, FAKE_DRIVERS_WARNING, loadDrivers } from '../driver-options.js';
import { EXIT } from '../exit-codes.js';
import { ONLY_OPTION, ONLY_USAGE, onlyFrom } from '../only-option.js';
import { printProblems } from '../output.js';
import { createProgress, formatSummary } from '../progress.js';
import { hideSecrets, siteOptions } from '../site-pipeline.js';
import { SOURCE_OPTIONS, SOURCE_USAGE, sourceOptions } from '../source-options.js';
import { formatDiff } from './diff.js';

export const usage = `slipway apply PATH... [--site NAME] ${SOURCE_USAGE} ${ONLY_USAGE} ${DRIVER_USAGE} ${CONCURRENCY_USAGE} [--dry-run] [--prune] ${DRIFT_USAGE} [-o text|json] [--compat deckhand]`;

export async function applyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      site: { type: 'string' },
      ...SOURCE_OPTIONS,
      ...ONLY_OPTION,
      ...DRIVER_OPTIONS,
      'dry-run': { type: 'boolean', default: false },
      prune: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o', default: 'text' },
      ...DRIFT_OPTION,
      ...COMPAT_OPTION,
      ...CONCURRENCY_OPTION,
    },
    usage,
  );
  const drift = driftDetection(values, usage);
  if (values.output !== 'text' && values.output !== 'json')
    throw new UsageError(`-o must be text or json, not '${String(values.output)}'\nusage: ${usage}`);
  const concurrency = concurrencyFrom(values);
  const config = driverConfig(values, process.env, io.signal);
  if (config.fake) io.stderr(`slipway apply: ${FAKE_DRIVERS_WARNING}\n`);
  const site = await planSite(positionals, {
    ...siteOptions(values),
    sources: sourceOptions(values),
    only: onlyFrom(values),
  });
  hideSecrets(io, site);
  printProblems(site.problems.items, io.stderr);
  if (!site.workflow) return EXIT.badInput;
  const workflow = site.workflow;
  const drivers = (await loadDrivers()).createDrivers(config);
  let observed;
  try {
    observed = await observeSite(workflow, drivers, { prune: values.prune === true, driftDetection: drift });
  } catch (e) {
    io.stderr(
      `slipway apply: ObserveFailed: cannot observe the current state, nothing was changed: ${(e as Error).message}\n`,
    );
    return EXIT.failed;
  }
  const diff = diffWorkflow(workflow, observed, new Date(), { driftDetection: drift });
  if (values['dry-run']) {
    io.stdout(formatDiff(workflow, diff, new Map(), { prune: values.prune === true }));
    return EXIT.ok;
  }
  const mode = values.output === 'json' ? 'json' : io.isTTY ? 'tty' : 'plain';
  io.stdout(
    mode === 'json'
      ? ''
      : `applying site ${workflow.site ?? '-'} (${diff.changes} of ${workflow.phases.reduce((n, p) => n + p.steps.length, 0)} steps have work)\n`,
  );
  const result = await executeWorkflow(workflow, diff, drivers, {
    onEvent: createProgress(mode, io.stdout),
    prune: values.prune === true,
    ...(concurrency ? { concurrency } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (mode === 'json')
    io.stdout(
      `${JSON.stringify({ type: 'summary', ok: result.ok, durationMs: result.durationMs, results: result.results })}\n`,
    );
  else io.stdout(formatSummary(result));
  return result.ok ? EXIT.ok : EXIT.failed;
}
