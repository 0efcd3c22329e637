// The corpus's own checks can fail: a run that breaks each contract is reported.
import { describe, expect, it } from 'vitest';
import type { HostileCase } from './cases.js';
import { type CaseRun, violations } from './run-case.js';

const base: HostileCase = {
  name: 'x',
  klass: 'yaml',
  argv: ['render', '.'],
  exit: 3,
  code: 'InvalidYAML',
  at: 'site/lab/bad.yaml',
};
const run = (over: Partial<CaseRun>): CaseRun => ({
  exitCode: 3,
  signal: null,
  stdout: '',
  stderr: 'site/lab/bad.yaml:3: InvalidYAML: unexpected end\n',
  wallMs: 300,
  cpuMs: 250,
  maxRssBytes: 60 * 2 ** 20,
  afterFirstErrorMs: 100,
  killed: false,
  secrets: ['corpus-bmc-abc'],
  ...over,
});

describe('violations', () => {
  it('none for a run that keeps every contract', () => {
    expect(violations(base, run({}))).toEqual([]);
  });
  it.each([
    ['a wrong exit code', run({ exitCode: 1 }), 'exit code 1 instead of 3'],
    [
      'a kill at the time limit',
      run({ killed: true, exitCode: null, signal: 'SIGKILL', maxRssBytes: undefined }),
      'still running after 30 s: killed',
    ],
    ['too much CPU', run({ cpuMs: 12_000 }), 'used 12000 ms of CPU'],
    ['too much memory', run({ maxRssBytes: 600 * 2 ** 20 }), 'peak memory 600 MiB'],
    [
      'a stack trace',
      run({ stderr: 'site/lab/bad.yaml:3: InvalidYAML: x\nError: boom\n    at main (file:///x/main.js:10:5)\n' }),
      'a stack trace or internal error',
    ],
    ['a secret in stdout', run({ stdout: 'password: corpus-bmc-abc\n' }), "secret 'corpus-bmc-abc' printed"],
    ['no named error', run({ stderr: 'site/lab/bad.yaml:3: something went wrong\n' }), 'no InvalidYAML error'],
    ['no file:line', run({ stderr: 'InvalidYAML: unexpected end\n' }), 'no site/lab/bad.yaml:LINE'],
  ])('reports %s', (_what, r, want) => {
    expect(violations(base, r)).toContain(want);
  });
  it('reports a failed run that lingers after its error', () => {
    expect(
      violations(
        { ...base, exit: 1, code: 'ObserveFailed', at: undefined } as HostileCase,
        run({ exitCode: 1, stderr: 'slipway apply: ObserveFailed: x\n', afterFirstErrorMs: 5000 }),
      ),
    ).toEqual(['lived 5000 ms after printing the error']);
  });
});
