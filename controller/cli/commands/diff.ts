// slipway diff PATH --site NAME: what apply would do. Exit 0 when nothing would change, 2 when something would.

import { type DriftedObject, diffWorkflow, type SiteDiff, valuesDiff } from '../../diff/index.js';
import type { Json, JsonObject } from '../../documents/types.js';
import { observeSite } from '../../pipeline/observe-site.js';
import { planSite } from '../../pipeline/site.js';
import type { Workflow } from '../../plan/types.js';
import { parsePath, pathsOverlap } from '../../render/path.js';
import { REDACTED } from '../../render/redact.js';
import { type CommandIO, parseCommand } from '../args.js';
import { COMPAT_OPTION } from '../compat-option.js';
import { DRIFT_OPTION, DRIFT_USAGE, driftDetection } from '../drift-option.js';
import { DRIVER_OPTIONS, DRIVER_USAGE, driverConfig, FAKE_DRIVERS_WARNING, loadDrivers } from '../driver-options.js';
import { EXIT } from '../exit-codes.js';
import { ONLY_OPTION, ONLY_USAGE, onlyFrom } from '../only-option.js';
import { printProblems } from '../output.js';
import { hideSecrets, siteOptions } from '../site-pipeline.js';
import { SOURCE_OPTIONS, SOURCE_USAGE, sourceOptions } from '../source-options.js';

export const usage = `slipway diff PATH... [--site NAME] ${SOURCE_USAGE} ${ONLY_USAGE} ${DRIVER_USAGE} [--prune] ${DRIFT_USAGE} [--compat deckhand]`;

export async function diffCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      site: { type: 'string' },
      ...SOURCE_OPTIONS,
      ...ONLY_OPTION,
      ...DRIVER_OPTIONS,
      prune: { type: 'boolean', default: false },
      ...DRIFT_OPTION,
      ...COMPAT_OPTION,
    },
    usage,
  );
  const drift = driftDetection(values, usage);
  const config = driverConfig(values, process.env, io.signal);
  if (config.fake) io.stderr(`slipway diff: ${FAKE_DRIVERS_WARNING}\n`);
  const site = await planSite(positionals, {
    ...siteOptions(values),
    sources: sourceOptions(values),
    only: onlyFrom(values),
  });
  hideSecrets(io, site);
  printProblems(site.problems.items, io.stderr);
  if (!site.workflow) return EXIT.badInput;
  const drivers = (await loadDrivers()).createDrivers(config);
  const prune = values.prune === true;
  let diff: SiteDiff;
  const current = new Map<string, JsonObject | undefined>();
  try {
    diff = diffWorkflow(
      site.workflow,
      await observeSite(site.workflow, drivers, { prune, driftDetection: drift }),
      new Date(),
      { driftDetection: drift },
    );
    for (const step of site.workflow.phases.flatMap((p) => p.steps)) {
      const d = diff.decisions.get(step.id);
      if (
        step.kind === 'release' &&
        d?.kind === 'release' &&
        d.observed &&
        d.action !== 'none' &&
        d.action !== 'repair'
      )
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
    if (!d) continue;
    if (d.kind === 'release' && d.drift) {
      // repair (enabled) or only reported (warn: `!`, not counted as a change)
      out.push(
        `${d.action === 'none' ? '!' : '~'} ${step.id}: ${d.action === 'none' ? 'drift' : d.action} (${d.state}: ${d.reason})`,
      );
      out.push(...formatDrift(d.drift));
      continue;
    }
    if (d.kind === 'node' && d.drift) {
      // repaired (enabled: power-on, leave-maintenance) or only reported (`!`, not counted as a change)
      out.push(
        `${d.action === 'none' ? '!' : '~'} ${step.id}: ${d.action === 'none' ? 'drift' : d.action} (${d.state}: ${d.reason})`,
      );
      for (const f of d.drift) out.push(`    ~ ${f.field}: ${f.found} → ${f.want}`);
      continue;
    }
    if (d.action === 'none') continue;
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

/** The drifted objects and fields; a Secret's values are never printed. */
export function formatDrift(objects: DriftedObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const name = `${o.ref.kind}/${o.ref.namespace ? `${o.ref.namespace}/` : ''}${o.ref.name}`;
    if (o.missing) {
      out.push(`    - ${name}: missing from the cluster (re-created by repair)`);
      continue;
    }
    const secret = o.ref.kind === 'Secret' && o.ref.apiVersion === 'v1';
    const show = (v: unknown) => (secret ? REDACTED : v === undefined ? '(absent)' : JSON.stringify(v));
    for (const f of o.fields) out.push(`    ~ ${name} ${f.path}: ${show(f.live)} → ${show(f.desired)}`);
  }
  return out;
}
