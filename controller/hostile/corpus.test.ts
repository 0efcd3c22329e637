// The hostile-input corpus through the built CLI (npm run build first): every case ends with
// the exit code of the table, a named error (file:line where there is a file), no stack
// trace, within 10 s of CPU (and a wall-clock hang limit, run-case.ts) and 512 MiB, and no
// secret value in any output. Two cases at a time, through the command users start (the bundle).

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCases } from './cases.js';
import { type CaseRun, type CorpusWorkspace, cliPath, createWorkspace, runAll, violations } from './run-case.js';

const cases = hostileCases();
let ws: CorpusWorkspace;
let runs: CaseRun[] = [];

describe('hostile-input corpus', () => {
  beforeAll(async () => {
    if (!existsSync(cliPath())) throw new Error(`${cliPath()} is missing: run \`npm run build\` before the unit tests`);
    ws = await createWorkspace();
    runs = await runAll(cases, ws, 2);
  }, 900_000);
  afterAll(async () => {
    await ws?.dispose();
  });

  it('has 150+ cases covering every class of the issue', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect([...new Set(cases.map((c) => c.klass))].sort()).toEqual(
      [
        'bmc',
        'containment',
        'drivers',
        'envelope',
        'help',
        'io',
        'layering',
        'limits',
        'names',
        'schema',
        'secrets',
        'substitution',
        'usage',
        'yaml',
      ].sort(),
    );
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const r = runs[i]!;
    expect(violations(cases[i]!, r), `stderr: ${r.stderr.slice(0, 600)}`).toEqual([]);
  });
});
