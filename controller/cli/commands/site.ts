// slipway site new NAME --from SITE [--repo DIR] [--set [DOC:]PATH=VALUE]... [--nodes FILE] [--dry-run]
// slipway site diff A B [--repo DIR] [--show-secrets]

import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { load } from 'js-yaml';
import { diffSites } from '../../fleet/site-diff.js';
import { type NodeInput, newSite, PLACEHOLDER, parseSet } from '../../fleet/site-new.js';
import { isPlainSegment, PATH_OUTSIDE_REPOSITORY } from '../../source/containment.js';
import { listYamlFiles } from '../../source/index.js';
import { readUserFile } from '../../source/read-user-file.js';
import { type CommandIO, parseCommand, UsageError } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { printProblems } from '../output.js';
import { hideSecrets, renderSite } from '../site-pipeline.js';

export const usage =
  'slipway site new NAME --from SITE [--repo DIR] [--set [DOC:]PATH=VALUE]... [--nodes FILE] [--dry-run]\n       slipway site diff A B [--repo DIR] [--show-secrets]';

export async function siteCommand(argv: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'new') return siteNew(rest, io);
  if (sub === 'diff') return siteDiff(rest, io);
  throw new UsageError(`unknown subcommand '${sub ?? ''}'\nusage: ${usage}`);
}

async function siteNew(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      from: { type: 'string' },
      repo: { type: 'string', default: '.' },
      set: { type: 'string', multiple: true, default: [] },
      nodes: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    usage,
  );
  const name = positionals[0]!;
  const from = values.from as string | undefined;
  if (!from) throw new UsageError(`--from SITE is required\nusage: ${usage}`);
  if (!isPlainSegment(from)) {
    io.stderr(
      `${PATH_OUTSIDE_REPOSITORY}: --from '${from}' is not a folder name under site/: a site name is one path segment, without '/' or '..'\n`,
    );
    return EXIT.badInput;
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
    throw new UsageError(`site name '${name}' must be lowercase letters, digits and dashes`);
  const repo = values.repo as string;
  const fromDir = join(repo, 'site', from);
  const toDir = join(repo, 'site', name);
  if (await exists(toDir)) {
    io.stderr(`${toDir} already exists; nothing was written\n`);
    return EXIT.badInput;
  }
  let files;
  try {
    files = await Promise.all(
      (await listYamlFiles(fromDir)).map(async (p) => ({
        path: relative(fromDir, p),
        text: await readFile(p, 'utf8'),
      })),
    );
  } catch {
    io.stderr(`${fromDir}: no such site\n`);
    return EXIT.badInput;
  }
  const sets = (values.set as string[]).map((s) => {
    try {
      return parseSet(s);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
  let nodes: NodeInput[] | undefined;
  if (values.nodes) {
    const read = await readUserFile(values.nodes as string, values.nodes as string);
    if (!read.ok) {
      io.stderr(`${read.code}: ${read.message}\n`);
      return EXIT.badInput;
    }
    try {
      nodes = load(read.text) as NodeInput[];
    } catch (e) {
      io.stderr(`${values.nodes as string}: InvalidYAML: ${(e as Error).message.split('\n')[0]}\n`);
      return EXIT.badInput;
    }
  }
  const result = newSite({ from, name, files, sets, ...(nodes ? { nodes } : {}) });
  for (const s of result.unusedSets)
    io.stderr(
      `warning: --set ${s.document ? `${s.document}:` : ''}${s.path} matched no ${s.document ? 'path' : `${PLACEHOLDER} placeholder`}\n`,
    );
  for (const f of result.files) {
    const target = join(toDir, f.path);
    if (values['dry-run']) io.stdout(`# ${target}\n${f.text}`);
    else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.text);
    }
  }
  io.stdout(
    `${values['dry-run'] ? 'would write' : 'wrote'} ${result.files.length} files to ${toDir}; ${result.placeholders} values still say ${PLACEHOLDER}${result.placeholders ? ' (slipway lint and validate fail until they are filled in)' : ''}\n`,
  );
  return EXIT.ok;
}

async function siteDiff(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { repo: { type: 'string', default: '.' }, 'show-secrets': { type: 'boolean', default: false } },
    usage,
    2,
  );
  const [a, b] = positionals as [string, string];
  const repo = values.repo as string;
  const [ra, rb] = await Promise.all([renderSite([repo], { site: a }), renderSite([repo], { site: b })]);
  hideSecrets(io, ra, values['show-secrets'] === true);
  hideSecrets(io, rb, values['show-secrets'] === true);
  printProblems([...ra.problems.items, ...rb.problems.items], io.stderr);
  if (ra.problems.hasErrors || rb.problems.hasErrors) return EXIT.badInput;
  const diffs = diffSites(ra.documents, rb.documents, values['show-secrets'] === true, { a, b });
  for (const d of diffs) {
    const id = `[${d.schema}] ${d.name}`;
    if (d.kind === 'only-a') io.stdout(`- ${id}: only in ${a}\n`);
    else if (d.kind === 'only-b') io.stdout(`+ ${id}: only in ${b}\n`);
    else {
      io.stdout(`~ ${id}\n`);
      for (const c of d.changes)
        io.stdout(`    ${c.path}: ${JSON.stringify(c.from ?? null)} → ${JSON.stringify(c.to ?? null)}\n`);
    }
  }
  io.stdout(`${diffs.length} documents differ between ${a} and ${b}\n`);
  return EXIT.ok;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
