import { describe, expect, it } from 'vitest';
import { BMC_SCHEMES } from '../validate/schemas/slipway.js';
import { parseBmcAddress, shownAddress } from './bmc-address.js';
import { namespaceProblem, releaseNameProblem } from './names.js';

describe('BMC addresses', () => {
  it.each([
    [
      'redfish+http://127.0.0.1:8000/redfish/v1/Systems/slipway-bm-0',
      { scheme: 'redfish+http', host: '127.0.0.1', port: 8000, path: '/redfish/v1/Systems/slipway-bm-0' },
    ],
    ['ipmi://BMC_HOST:6230', { scheme: 'ipmi', host: 'BMC_HOST', port: 6230, path: '' }],
    [
      'redfish-virtualmedia://[fd00::5]/redfish/v1/Systems/System.Embedded.1',
      { scheme: 'redfish-virtualmedia', host: '[fd00::5]', path: '/redfish/v1/Systems/System.Embedded.1' },
    ],
    ['fake://lab-node-01', { scheme: 'fake', host: 'lab-node-01', path: '' }],
  ])('%s is parsed', (address, want) => {
    expect(parseBmcAddress(address, BMC_SCHEMES)).toEqual({ ok: true, address: want });
  });
  it.each([
    ['redfish://host;rm -rf /', 'whitespace'],
    ['redfish://host;rm', 'shell syntax'],
    ['ipmi://10.0.0.1$(id)', 'shell syntax'],
    ['ipmi://10.0.0.1`id`', 'shell syntax'],
    ['redfish://host/a\nb', 'control character'],
    ['redfish://h\u0000/x', 'control character'],
    ['redfish://admin:pw@10.0.0.1/x', 'embeds credentials'],
    ['http://host/x', 'unknown scheme'],
    ['redfish:///x', 'no host'],
    ['ipmi://host:0', "port '0'"],
    ['ipmi://host:70000', "port '70000'"],
    ['not a url', 'whitespace'],
    ['nourl', 'not a URL'],
  ])('%j is refused: %s', (address, reason) => {
    const r = parseBmcAddress(address, BMC_SCHEMES);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });
  it('the address shown in messages has no credentials and no raw control characters', () => {
    expect(shownAddress('redfish://admin:pw@10.0.0.1/x\n')).toBe('redfish://10.0.0.1/x\\n');
  });
});

describe('release names and namespaces', () => {
  it.each(['frontend', 'edge-frontend', 'a.b-c', 'x'.repeat(53)])('release %s is fine', (n) =>
    expect(releaseNameProblem(n)).toBeUndefined(),
  );
  it.each(['Front_End!', 'x'.repeat(54), '-a', 'a-', 'UPPER', 'a..b', ''])('release %j is refused', (n) =>
    expect(releaseNameProblem(n)).toBeDefined(),
  );
  it.each(['apps', 'edge-system', 'n'.repeat(63)])('namespace %s is fine', (n) =>
    expect(namespaceProblem(n)).toBeUndefined(),
  );
  it.each(['Edge-Frontend', 'n'.repeat(64), 'a.b', 'a_b', '-x', ''])('namespace %j is refused', (n) =>
    expect(namespaceProblem(n)).toBeDefined(),
  );
});
