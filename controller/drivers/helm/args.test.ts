import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReleaseSpec } from '../types.js';
import { DIGEST_LABEL, SERVER_SIDE_LABEL } from './digest-label.js';
import { installArgs } from './install.js';
import { rollbackArgs } from './rollback.js';
import { connectionArgs, helmArgv, helmBinary, helmErrorText } from './run.js';
import { testArgs } from './test.js';
import { baseSpec } from './test-helpers.js';
import { uninstallArgs } from './uninstall.js';
import { upgradeArgs } from './upgrade.js';

const FILE = '/srv/slipway-helm-x/values.json';
const DIGEST = `${DIGEST_LABEL}=0123456789abcdef0123456789abcdef`;
/** install: the digest and the server-side mark; server-side apply without Helm's client-side OpenAPI check. */
const INSTALL_LABELS = `${DIGEST},${SERVER_SIDE_LABEL}=true`;
const SERVER_SIDE = ['--server-side=true', '--disable-openapi-validation'];

describe('install argv', () => {
  const rows: Array<{ name: string; edit?: (s: ReleaseSpec) => void; want: string[] }> = [
    {
      name: 'helm waits (wait enabled, no labels)',
      want: [
        'install',
        'lab-ingress',
        '/repo/charts/ingress',
        '--namespace',
        'ingress',
        '--create-namespace',
        '-f',
        FILE,
        '--labels',
        INSTALL_LABELS,
        ...SERVER_SIDE,
        '--wait',
        '--timeout',
        '600s',
      ],
    },
    {
      name: 'wait disabled: only the operation timeout',
      edit: (s) => (s.wait.enabled = false),
      want: [
        'install',
        'lab-ingress',
        '/repo/charts/ingress',
        '--namespace',
        'ingress',
        '--create-namespace',
        '-f',
        FILE,
        '--labels',
        INSTALL_LABELS,
        ...SERVER_SIDE,
        '--timeout',
        '900s',
      ],
    },
    {
      name: 'wait.labels: Slipway waits, helm does not',
      edit: (s) => (s.wait.labels = { app: 'ingress' }),
      want: [
        'install',
        'lab-ingress',
        '/repo/charts/ingress',
        '--namespace',
        'ingress',
        '--create-namespace',
        '-f',
        FILE,
        '--labels',
        INSTALL_LABELS,
        ...SERVER_SIDE,
        '--timeout',
        '900s',
      ],
    },
    {
      name: 'wait.resources: Slipway waits, helm does not',
      edit: (s) => (s.wait.resources = [{ type: 'deployment', minReady: '50%' }]),
      want: [
        'install',
        'lab-ingress',
        '/repo/charts/ingress',
        '--namespace',
        'ingress',
        '--create-namespace',
        '-f',
        FILE,
        '--labels',
        INSTALL_LABELS,
        ...SERVER_SIDE,
        '--timeout',
        '900s',
      ],
    },
    {
      name: 'wait timeout 0 falls back to the release timeout',
      edit: (s) => (s.wait.timeoutSeconds = 0),
      want: [
        'install',
        'lab-ingress',
        '/repo/charts/ingress',
        '--namespace',
        'ingress',
        '--create-namespace',
        '-f',
        FILE,
        '--labels',
        INSTALL_LABELS,
        ...SERVER_SIDE,
        '--wait',
        '--timeout',
        '900s',
      ],
    },
    {
      name: 'a 64-character sha256 digest is stored as a valid label value (63 hex of its own sha256)',
      edit: (s) => (s.digest = 'a'.repeat(64)),
      want: [
        'install',
        'lab-ingress',
        '/repo/charts/ingress',
        '--namespace',
        'ingress',
        '--create-namespace',
        '-f',
        FILE,
        '--labels',
        `${DIGEST_LABEL}=${createHash('sha256').update('a'.repeat(64)).digest('hex').slice(0, 63)},${SERVER_SIDE_LABEL}=true`,
        ...SERVER_SIDE,
        '--wait',
        '--timeout',
        '600s',
      ],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(installArgs(baseSpec(row.edit), FILE)).toEqual(row.want);
    });
  }
  it('never puts a value on the argv and never uses --atomic or --set', () => {
    const args = installArgs(baseSpec(), FILE);
    expect(args.join(' ')).not.toContain('s3cr3t-value');
    expect(args.some((a) => a.startsWith('--set') || a === '--atomic' || a === '--rollback-on-failure')).toBe(false);
  });
});

describe("other actions' argv", () => {
  it('upgrade of a release Slipway installed (server-side label) stays server-side, without the client-side check', () => {
    const current = {
      name: 'lab-ingress',
      namespace: 'ingress',
      revision: 3,
      status: 'deployed' as const,
      serverSide: true,
    };
    expect(upgradeArgs(baseSpec(), FILE, current)).toEqual([
      'upgrade',
      'lab-ingress',
      '/repo/charts/ingress',
      '--namespace',
      'ingress',
      '--reset-values',
      '-f',
      FILE,
      '--labels',
      DIGEST,
      ...SERVER_SIDE,
      '--wait',
      '--timeout',
      '600s',
    ]);
  });
  it("upgrade resets values to the chart's plus the spec's; a release another tool installed keeps Helm's defaults", () => {
    expect(upgradeArgs(baseSpec(), FILE)).toEqual([
      'upgrade',
      'lab-ingress',
      '/repo/charts/ingress',
      '--namespace',
      'ingress',
      '--reset-values',
      '-f',
      FILE,
      '--labels',
      DIGEST,
      '--wait',
      '--timeout',
      '600s',
    ]);
  });
  it('rollback', () => {
    expect(rollbackArgs('lab-ingress', 'ingress', 3, 120)).toEqual([
      'rollback',
      'lab-ingress',
      '3',
      '--namespace',
      'ingress',
      '--wait',
      '--timeout',
      '120s',
    ]);
  });
  it('uninstall', () => {
    expect(uninstallArgs('lab-ingress', 'ingress', 60.2)).toEqual([
      'uninstall',
      'lab-ingress',
      '--namespace',
      'ingress',
      '--ignore-not-found',
      '--wait',
      '--timeout',
      '61s',
    ]);
  });
  it('test', () => {
    expect(testArgs(baseSpec())).toEqual(['test', 'lab-ingress', '--namespace', 'ingress', '--timeout', '300s']);
  });
});

describe('connection flags and binary', () => {
  const call = { action: 'rollback' as const, release: 'r', namespace: 'n', args: ['rollback', 'r', '1'] };
  it('passes --kubeconfig and --kube-context through', () => {
    expect(helmArgv(call, { kubeconfigPath: '/k/config', kubeContext: 'lab' })).toEqual([
      'rollback',
      'r',
      '1',
      '--kubeconfig',
      '/k/config',
      '--kube-context',
      'lab',
    ]);
  });
  it('adds nothing when neither is given', () => {
    expect(connectionArgs({})).toEqual([]);
  });
  it('binary: option, then $HELM, then helm on PATH', () => {
    expect(helmBinary({ helmBinary: '/opt/helm' }, { HELM: '/env/helm' })).toBe('/opt/helm');
    expect(helmBinary({}, { HELM: '/env/helm' })).toBe('/env/helm');
    expect(helmBinary({}, {})).toBe('helm');
  });
});

describe("helm's error text", () => {
  it("drops Helm 4's log lines before the Error line", () => {
    const stderr = [
      'level=WARN msg="upgrade failed" name=web error="server-side apply failed for object ns/web-demo-app apps/v1, Kind=Deployment: invalid"',
      'Error: UPGRADE FAILED: server-side apply failed for object ns/web-demo-app apps/v1, Kind=Deployment: invalid',
      '',
    ].join('\n');
    expect(helmErrorText(stderr)).toBe(
      'Error: UPGRADE FAILED: server-side apply failed for object ns/web-demo-app apps/v1, Kind=Deployment: invalid',
    );
  });
  it('keeps everything when there is no Error line', () => {
    expect(helmErrorText('  something odd happened\nand more  \n')).toBe('something odd happened\nand more');
  });
});
