// npm run corpus: every hostile case through the built CLI, with a line per broken
// contract and the totals (cases, run time, slowest case, peak memory, load average).

import { loadavg } from 'node:os';
import { hostileCases } from './cases.js';
import { createWorkspace, runAll, violations } from './run-case.js';

const filter = process.argv[2];
const cases = hostileCases().filter((c) => !filter || c.name.includes(filter) || c.klass === filter);
const ws = await createWorkspace();
const t0 = performance.now();
const load0 = loadavg();
try {
  const runs = await runAll(cases, ws, 2);
  let broken = 0;
  runs.forEach((r, i) => {
    const c = cases[i]!;
    const v = violations(c, r);
    if (v.length) {
      broken++;
      process.stdout.write(
        `FAIL ${c.name}: ${v.join('; ')}\n    stderr: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ').slice(0, 400)}\n`,
      );
    } else if (process.env.CORPUS_VERBOSE)
      process.stdout.write(
        `ok   ${c.name}: exit ${r.exitCode}, ${r.wallMs} ms (CPU ${r.cpuMs ?? '?'} ms), ${Math.round((r.maxRssBytes ?? 0) / 2 ** 20)} MiB | ${r.stderr.trim().split('\n')[0]?.slice(0, 200)}\n`,
      );
  });
  const slowest = runs.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
  const busiest = runs.reduce((a, b) => ((b.cpuMs ?? 0) > (a.cpuMs ?? 0) ? b : a));
  const peak = Math.max(...runs.map((r) => r.maxRssBytes ?? 0));
  const classes = new Set(cases.map((c) => c.klass)).size;
  process.stdout.write(
    `${cases.length} cases in ${classes} classes, ${broken} broken; ${((performance.now() - t0) / 1000).toFixed(1)} s (2 at a time); slowest ${slowest.wallMs} ms (${cases[runs.indexOf(slowest)]!.name}); most CPU ${busiest.cpuMs} ms (${cases[runs.indexOf(busiest)]!.name}); peak ${Math.round(peak / 2 ** 20)} MiB; load average ${load0.map((l) => l.toFixed(2)).join(' ')} → ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  process.exitCode = broken ? 1 : 0;
} finally {
  await ws.dispose();
}
