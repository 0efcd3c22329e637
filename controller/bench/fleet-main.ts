// `npm run bench` (fleet part): `slipway site new` of 100 sites from the example `edge-01`, then
// render + validate + plan of every one of them; the same for the first 10, to show the time
// grows linearly with the number of sites. Target: 100 sites in under 30 s. Not a test.

import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { type NodeInput, newSite, parseSet } from '../fleet/site-new.js';
import { planSite } from '../pipeline/site.js';
import { listYamlFiles } from '../source/index.js';
import { REPO_ROOT } from './infra-env.js';

const SITES = Number(process.env.SLIPWAY_BENCH_FLEET_SITES ?? 100);

/** Values for every placeholder `site new` leaves in a copy of `edge-01`. */
function sets(i: number) {
  const net = `10.${Math.floor(i / 250)}.${i % 250}`;
  return [
    `.bmc.host=${net}.5`,
    `.networks.oob.cidr=${net}.0/26`,
    `.networks.pxe.cidr=${net}.64/26`,
    `.networks.pxe.gateway=${net}.65`,
    `.dns.upstream_servers[0]=${net}.2`,
    `.addressing[0].address=${net}.11`,
    `.addressing[1].address=${net}.71`,
    `bmc-admin-password:.=bench-password-${i}`,
  ].map(parseSet);
}

function nodes(i: number): NodeInput[] {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return [1, 2, 3].map((n) => ({
    name: `site-${i}-node-0${n}`,
    bootMACAddress: `52:54:${hex(i >> 8)}:${hex(i & 0xff)}:00:${hex(n)}`,
  }));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-fleet-bench-'));
  const repo = join(dir, 'site-manifests');
  try {
    await cp(join(REPO_ROOT, 'site-manifests'), repo, { recursive: true });
    await symlink(join(REPO_ROOT, 'charts'), join(dir, 'charts'));
    const from = join(repo, 'site', 'edge-01');
    const files = await Promise.all(
      (await listYamlFiles(from)).map(async (p) => ({ path: relative(from, p), text: await readFile(p, 'utf8') })),
    );

    const t0 = performance.now();
    let left = 0;
    for (let i = 0; i < SITES; i++) {
      const site = newSite({ from: 'edge-01', name: `site-${i}`, files, sets: sets(i), nodes: nodes(i) });
      left += site.placeholders;
      for (const f of site.files) {
        const target = join(repo, 'site', `site-${i}`, f.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, f.text);
      }
    }
    const newMs = performance.now() - t0;
    console.log(`fleet site_new sites=${SITES} wall_ms=${newMs.toFixed(0)} placeholders_left=${left}`);

    const timings: Record<number, number> = {};
    for (const n of [Math.min(10, SITES), SITES]) {
      const t1 = performance.now();
      let errors = 0;
      let steps = 0;
      for (let i = 0; i < n; i++) {
        const s = await planSite([repo], { site: `site-${i}` });
        errors += s.problems.errors.length;
        steps += s.workflow?.phases.reduce((a, p) => a + p.steps.length, 0) ?? 0;
        if (s.problems.errors.length && errors === s.problems.errors.length)
          console.log(`error site-${i}: ${s.problems.errors[0]!.message}`);
      }
      timings[n] = performance.now() - t1;
      console.log(`fleet render_plan sites=${n} wall_ms=${timings[n]!.toFixed(0)} steps=${steps} errors=${errors}`);
    }
    const total = newMs + timings[SITES]!;
    console.log(
      `target fleet_new_render_plan sites=${SITES} wall_ms=${total.toFixed(0)} limit_ms=30000 ${total < 30000 ? 'OK' : 'MISSED'}`,
    );
    if (SITES > 10) {
      const ratio = timings[SITES]! / timings[10]!;
      console.log(
        `target fleet_scaling sites_ratio=${SITES / 10} time_ratio=${ratio.toFixed(1)} limit=${((SITES / 10) * 1.1).toFixed(1)} ${ratio <= (SITES / 10) * 1.1 ? 'OK' : 'MISSED'}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`fleet bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
});
