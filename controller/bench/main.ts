// `npm run bench`: document-engine figures (not a test; always exits 0 unless it crashes).
//  1. in-process render of N=10 and N=100 synthetic sites of ~500 documents each: documents
//     per second, wall time, peak RSS; each measurement runs in a fresh child process, so the
//     RSS high-water mark is that run's own and repository generation is not counted, and is
//     repeated (the median run by wall time is reported, with the spread);
//  2. the targets: 50,000 documents in < 5 s and < 1 GiB, time(N=100) <= 11 x time(N=10);
//  3. `slipway render` as a whole process on one ~420-document site: median wall time;
//  4. the same for Airship's treasuremap v1.9 seaworthy: CPU seconds (user + sys) and wall time
//     (`node dist/controller/bench/main.js --treasuremap` runs only this one).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, timeBareNode, timeCliRender } from './cli-run.js';
import { medianRun, type RenderRun, renderSites } from './render-run.js';
import { cliLine, fmt, renderLine, TARGETS, targetLines, treasuremapLine, verdict } from './report.js';
import { createSyntheticRepo, type SyntheticRepo } from './synthetic-repo.js';

const SELF = fileURLToPath(import.meta.url);
const CHILD_FLAG = '--render-child';
const DOCUMENTS_PER_SITE = 500;
const CLI_SITE_DOCUMENTS = 420;
const CLI_RUNS = 7;
/** Each in-process measurement runs this many times (fresh processes); the median run is reported. */
const RENDER_REPEATS = 3;
const KEEP = process.env.SLIPWAY_BENCH_KEEP === '1';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === CHILD_FLAG) return child(argv[1]!, argv[2]!.split(','), argv[3] === 'shared');
  if (argv[0] === '--treasuremap') return treasuremapFigure();

  console.log(
    `bench node=${process.version} cpus=${availableParallelism()} platform=${process.platform}-${process.arch} loadavg_1m=${fmt(loadavg()[0]!)}`,
  );
  const runs = new Map<number, RenderRun>();
  const repeatsOf = new Map<number, RenderRun[]>();
  for (const n of [10, 100]) {
    const repo = await generate(n, DOCUMENTS_PER_SITE);
    const repeats: RenderRun[] = [];
    for (let i = 0; i < RENDER_REPEATS; i++) repeats.push(await inChild(repo, true));
    const run = medianRun(repeats);
    runs.set(n, run);
    repeatsOf.set(n, repeats);
    console.log(`${renderLine(n, run, repeats)} parse=shared`);
    for (const e of run.errors) console.log(`error N=${n} ${e}`);
    if (n === 100) {
      // The same sites, each reading and parsing global/ and type/ again: what one-site-at-a-time costs.
      const fresh = await inChild(repo, false);
      console.log(`${renderLine(n, fresh)} parse=per-site`);
    }
    await cleanup(repo);
  }
  for (const line of targetLines(runs.get(10)!, runs.get(100)!, repeatsOf.get(100))) console.log(line);
  await cliFigures();
  await treasuremapFigure();
  // Wall times are only comparable on an otherwise idle machine; this says how idle it was.
  console.log(`end loadavg_1m=${fmt(loadavg()[0]!)}`);
}

async function generate(sites: number, documentsPerSite: number): Promise<SyntheticRepo> {
  const start = performance.now();
  const repo = await createSyntheticRepo({ sites, documentsPerSite });
  const ms = performance.now() - start;
  console.log(
    `generate N=${sites} docs_per_site=${repo.documents.perSite} files=${repo.files.length} ` +
      `global=${repo.documents.global} type=${repo.documents.type} site=${repo.documents.site} ms=${fmt(ms)}${KEEP ? ` root=${repo.root}` : ''}`,
  );
  return repo;
}

async function cliFigures(): Promise<void> {
  if (!existsSync(CLI_MAIN)) {
    console.log(`cli render docs=${CLI_SITE_DOCUMENTS} ${verdict(false, `${CLI_MAIN} not built`)}`);
    return;
  }
  const repo = await generate(1, CLI_SITE_DOCUMENTS);
  const run = await timeCliRender(repo.root, repo.sites[0]!, CLI_RUNS);
  console.log(cliLine('synthetic', repo.documents.perSite, run, TARGETS.cliMs));
  if (run.firstError) console.log(`error cli ${run.firstError.replaceAll('\n', ' | ')}`);
  await cleanup(repo);

  const example = fileURLToPath(new URL('../../../site-manifests', import.meta.url));
  if (existsSync(example)) {
    const lab = await timeCliRender(example, 'lab', CLI_RUNS);
    console.log(cliLine('site-manifests/lab', undefined, lab));
  }
}

/** Airship's treasuremap v1.9 (../shared/airship, or SLIPWAY_AIRSHIP_DIR): `slipway render --site seaworthy`. */
async function treasuremapFigure(): Promise<void> {
  const airship =
    process.env.SLIPWAY_AIRSHIP_DIR ?? fileURLToPath(new URL('../../../../shared/airship', import.meta.url));
  const repo = `${airship}/treasuremap-v1.9`;
  if (!existsSync(`${repo}/site/seaworthy`)) {
    console.log(`cli render treasuremap-v1.9/seaworthy FAILED: no treasuremap at ${repo} (set SLIPWAY_AIRSHIP_DIR)`);
    return;
  }
  // The command line keeps parsed files in a content-addressed cache (source/parse-cache.ts):
  // measured warm (the usual case: the repository was rendered before), on the run that fills
  // it, and with it switched off.
  const cache = await mkdtemp(join(tmpdir(), 'slipway-bench-parse-'));
  try {
    const filling = await timeCliRender(repo, 'seaworthy', 1, { ...process.env, SLIPWAY_PARSE_CACHE: cache });
    const warm = await timeCliRender(repo, 'seaworthy', CLI_RUNS, { ...process.env, SLIPWAY_PARSE_CACHE: cache });
    const off = await timeCliRender(repo, 'seaworthy', CLI_RUNS, { ...process.env, SLIPWAY_PARSE_CACHE: 'off' });
    console.log(
      `node start-up alone (node -e 0): cpu_s(user+sys)=${((await timeBareNode(CLI_RUNS)) / 1000).toFixed(3)} loadavg_1m=${fmt(loadavg()[0]!)}`,
    );
    console.log(treasuremapLine('seaworthy', 'warm', warm, loadavg()[0]!));
    console.log(treasuremapLine('seaworthy', 'filling', filling, loadavg()[0]!));
    console.log(treasuremapLine('seaworthy', 'off', off, loadavg()[0]!));
    for (const run of [warm, filling, off])
      if (run.firstError) console.log(`error cli ${run.firstError.replaceAll('\n', ' | ')}`);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

/** Runs the in-process measurement in a fresh Node process and reads its result. */
function inChild(repo: SyntheticRepo, shared: boolean): Promise<RenderRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [SELF, CHILD_FLAG, repo.root, repo.sites.join(','), shared ? 'shared' : 'per-site'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    proc.on('error', reject);
    proc.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as RenderRun);
      } catch {
        reject(new Error(`render child exited with ${code} and no result`));
      }
    });
  });
}

async function child(root: string, sites: string[], shared: boolean): Promise<void> {
  const run = await renderSites(root, sites, { shareParsedFiles: shared });
  process.stdout.write(JSON.stringify(run));
}

async function cleanup(repo: SyntheticRepo): Promise<void> {
  if (!KEEP) await rm(repo.root, { recursive: true, force: true });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
