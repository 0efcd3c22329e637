// slipway diff PATH --site NAME: what apply would do. Exit 0 when nothing would change, 2 when something would.

import { diffWorkflow, type SiteDiff, valuesDiff } from '../../diff/index.js';
import type { Json, JsonObject } from '../../documents/types.js';
import { createDrivers } from '../../drivers/select.js';
import { observeSite } from '../../pipeline/observe-site.js';
import type { Workflow } from '../../plan/types.js';
import { parsePath, pathsOverlap } from '../../render/path.js';
import { REDACTED } from '../../render/redact.js';
import { type CommandIO, parseCommand } from '../args.js';
import { COMPAT_OPTION } from '../compat-option.js';
import { DRIVER_OPTIONS, driverConfig } from '../driver-options.js';
import { EXIT } from '../exit-codes.js';
import { ONLY_OPTION, ONLY_USAGE, onlyFrom } from '../only-option.js';
import { printProblems } from '../output.js';
import { hideSecrets, planSite, siteOptions } from '../site-pipeline.js';
import { SOURCE_OPTIONS, SOURCE_USAGE, sourceOptions } from '../source-options.js';

export const usage = `slipway diff PATH... [--site NAME] ${SOURCE_USAGE} ${ONLY_USAGE} [--kube-context C] [--ironic-url U] [--prune] [--compat deckhand]`;

export async function diffCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      site: { type: 'string' },
      ...SOURCE_OPTIONS,
      ...ONLY_OPTION,
      ...DRIVER_OPTIONS,
      prune: { type: 'boolean', default: false },
      ...COMPAT_OPTION,
    },
    usage,
  );
  const config = driverConfig(values, process.env, io.signal);
  const site = await planSite(positionals, {
    ...siteOptions(values),
    sources: sourceOptions(values),
    only: onlyFrom(values),
  });
  hideSecrets(io, site);
  printProblems(site.problems.items, io.stderr);
  if (!site.workflow) return EXIT.badInput;
  const drivers = createDrivers(config);
  const prune = values.prune === true;
  let diff: SiteDiff;
  const current = new Map<string, JsonObject | undefined>();
  try {
    diff = diffWorkflow(site.workflow, await observeSite(site.workflow, drivers, { prune }));
    for (const step of site.workflow.phases.flatMap((p) => p.steps)) {
      const d = diff.decisions.get(step.id);
      if (step.kind === 'release' && d?.kind === 'release' && d.observed && d.action !== 'none')
        current.set(step.id, await drivers.helm.values(step.spec.name, step.spec.namespace));
    }
  } catch (e) {
    io.stderr(`slipway diff: ObserveFailed: cannot observe the current state: ${(e as Error).message}\n`);
    return EXIT.failed;
  }
  io.stdout(formatDiff(site.workflow, diff, current, { prune }));
  return diff.changes > 0 || (prune && diff.prune.length > 0) ? EXIT.diffFound : EXIT.ok;
}

/** One line per step with work, a values diff per release, and the prune candidates. */
export function formatDiff(
  workflow: Workflow,
  diff: SiteDiff,
  currentValues: Map<string, JsonObject | undefined>,
  options: { prune: boolean },
): string {
  const out: string[] = [];
  for (const step of workflow.phases.flatMap((p) => p.steps)) {
    const d = diff.decisions.get(step.id);
    if (!d || d.action === 'none') continue;
    out.push(`~ ${step.id}: ${d.action} (${d.state}: ${d.reason})`);
    if (step.kind === 'release') {
      const secret = step.secretPaths
        .filter((p) => p.startsWith('.values'))
        .map((p) => parsePath(p.slice('.values'.length) || '.'));
      const show = (path: string, v: Json | undefined) =>
        secret.some((s) => pathsOverlap(s, parsePath(path))) ? REDACTED : JSON.stringify(v);
      for (const c of valuesDiff(
        currentValues.get(step.id) ?? (d.state === 'absent' ? undefined : {}),
        step.spec.values,
      )) {
        if (c.op === 'add') out.push(`    + ${c.path}: ${show(c.path, c.to)}`);
        else if (c.op === 'remove') out.push(`    - ${c.path}: ${show(c.path, c.from)}`);
        else out.push(`    ~ ${c.path}: ${show(c.path, c.from)} → ${show(c.path, c.to)}`);
      }
    } else if (d.kind === 'node' && d.observed) {
      out.push(
        `    provision state: ${d.observed.provisionState} → ${step.spec.target}; driver ${d.observed.driver}; digest ${d.observed.digest ? d.observed.digest.slice(0, 12) : 'none'} → ${step.spec.digest.slice(0, 12)}`,
      );
    }
  }
  for (const p of diff.prune)
    out.push(
      `${options.prune ? '-' : '?'} ${p.kind === 'release' ? `release/${p.namespace}/${p.name}` : `node/${p.name}`}: no longer in the site${options.prune ? ' (removed by --prune)' : ' (kept; --prune removes it)'}`,
    );
  out.push(
    `${diff.changes} of ${workflow.phases.reduce((n, p) => n + p.steps.length, 0)} steps would change${options.prune ? `, ${diff.prune.length} would be removed` : ''}`,
  );
  return `${out.join('\n')}\n`;
}
