import { describe, expect, it } from 'vitest';
import { parseText } from '../documents/parse.js';
import { desiredNode } from '../drivers/ironic/desired.js';
import { formatProblem, Problems } from '../problems/index.js';
import { render } from '../render/index.js';
import { type NodeStep, planWorkflow, redactStep } from './index.js';

// Drydock's own documents, as Airship sites write them: an abstract global host profile
// whose oob.credential is substituted from a Passphrase, a site profile inheriting from it,
// a hardware profile, the oob network and the nodes.
const POLICY =
  '---\nschema: deckhand/LayeringPolicy/v1\nmetadata: {schema: metadata/Control/v1, name: lp}\ndata: {layerOrder: [global, site]}\n';

function doc(
  schema: string,
  name: string,
  data: string,
  opts: { layer?: string; extra?: string; encrypted?: boolean } = {},
): string {
  return `---\nschema: ${schema}\nmetadata:\n  schema: metadata/Document/v1\n  name: ${name}\n  storagePolicy: ${opts.encrypted ? 'encrypted' : 'cleartext'}\n  layeringDefinition: {layer: ${opts.layer ?? 'site'}}\n${opts.extra ?? ''}data: ${data}\n`;
}

const node = (name: string, oobAddress: string | undefined, extra = '') =>
  doc(
    'drydock/BaremetalNode/v1',
    name,
    `{host_profile: cp, addressing: [${oobAddress ? `{network: oob, address: '${oobAddress}'}, ` : ''}{network: pxe, address: 10.1.0.11}], metadata: {boot_mac: '52:54:00:AA:BB:01', rack: r1}${extra}}`,
  );

const BASE =
  POLICY +
  doc('deckhand/Passphrase/v1', 'ipmi_admin_password', "'s3cr3t-ipmi'", { layer: 'site', encrypted: true }) +
  doc(
    'drydock/HostProfile/v1',
    'cp-global',
    "{oob: {type: ipmi, network: oob, account: root}, storage: {physical_devices: {bootdisk: {labels: {bootdrive: 'true'}}}}}",
    {
      layer: 'global',
      extra:
        '  labels: {hosttype: cp-global}\n  substitutions:\n    - src: {schema: deckhand/Passphrase/v1, name: ipmi_admin_password, path: .}\n      dest: {path: .oob.credential}\n',
    },
  ).replace('layeringDefinition: {layer: global}', 'layeringDefinition: {layer: global, abstract: true}') +
  doc('drydock/HostProfile/v1', 'cp', '{hardware_profile: r720}', {
    extra:
      '  layeringDefinition: {layer: site, parentSelector: {hosttype: cp-global}, actions: [{method: merge, path: .}]}\n',
  }).replace('  layeringDefinition: {layer: site}\n', '') +
  doc(
    'drydock/HardwareProfile/v1',
    'r720',
    "{vendor: DELL, boot_mode: bios, device_aliases: {bootdisk: {address: '0:2.0.0', dev_type: PERC H710P, bus_type: scsi}}}",
  ) +
  doc('drydock/Network/v1', 'oob', '{cidr: 10.23.104.0/24}') +
  node('n1', '10.23.104.11');

function plan(text: string) {
  const problems = new Problems();
  const documents = render(parseText('site.yaml', text, problems), problems);
  const workflow = planWorkflow({ documents, root: '/repo', charts: new Map(), site: 'lab' }, problems);
  const nodes = (workflow.phases[0]?.steps ?? []) as NodeStep[];
  return { nodes, problems: problems.items.map(formatProblem) };
}

describe('Drydock-native bare metal', () => {
  it('plans a node from its BaremetalNode, host profile chain, hardware profile and Passphrase', () => {
    const { nodes, problems } = plan(BASE);
    expect(problems).toEqual([]);
    expect(nodes.map((n) => n.spec)).toEqual([
      {
        name: 'n1',
        site: 'lab',
        bmc: { address: 'ipmi://10.23.104.11', credentials: { username: 'root', password: 's3cr3t-ipmi' } },
        bootMACAddress: '52:54:00:aa:bb:01',
        properties: { capabilities: 'boot_mode:bios', root_device: { hctl: '0:2:0:0' } },
        inspect: false,
        target: 'available',
        digest: nodes[0]!.digest,
      },
    ]);
    expect(nodes[0]!.origin.at).toMatch(/^site\.yaml:\d+$/);
  });

  it('enrolls it with the Ironic driver and driver_info a BaremetalHost with the same BMC gets', () => {
    const drydock = plan(BASE).nodes[0]!.spec;
    const host = plan(
      BASE +
        doc(
          'slipway/BaremetalHost/v1',
          'n1',
          "{node: n1, bmc: {address: 'ipmi://10.23.104.11', credentials: {username: root, password: s3cr3t-ipmi}}}",
        ),
    ).nodes[0]!.spec;
    const a = desiredNode(drydock, drydock.bmc.credentials);
    const b = desiredNode(host, host.bmc.credentials);
    expect(a.bmc).toEqual(b.bmc);
    expect(a.bmc).toMatchObject({
      driver: 'ipmi',
      driver_info: {
        ipmi_address: '10.23.104.11',
        ipmi_port: 623,
        ipmi_username: 'root',
        ipmi_password: 's3cr3t-ipmi',
      },
    });
  });

  it("maps Drydock's oob types ipmi, redfish and idrac to Ironic's drivers", () => {
    const rows: Array<[string, string, string]> = [
      ['ipmi', 'ipmi://10.23.104.11', 'ipmi'],
      ['redfish', 'redfish://10.23.104.11', 'redfish'],
      ['idrac', 'idrac-redfish://10.23.104.11', 'idrac'],
    ];
    for (const [type, address, driver] of rows) {
      const spec = plan(BASE.replace('oob: {type: ipmi,', `oob: {type: ${type},`)).nodes[0]!.spec;
      expect(spec.bmc.address).toBe(address);
      expect(desiredNode(spec, spec.bmc.credentials).bmc.driver).toBe(driver);
    }
    expect(plan(BASE.replace('10.23.104.11', 'fd00::11')).nodes[0]!.spec.bmc.address).toBe('ipmi://[fd00::11]');
  });

  it('reads oob.credential as the name of a Passphrase when one has that name', () => {
    const text = BASE.replace(
      / {2}substitutions:\n {4}- src: \{schema: deckhand\/Passphrase\/v1, name: ipmi_admin_password, path: \.\}\n {6}dest: \{path: \.oob\.credential\}\n/,
      '',
    ).replace('account: root}', 'account: root, credential: ipmi_admin_password}');
    expect(plan(text).nodes[0]!.spec.bmc.credentials).toEqual({ username: 'root', password: 's3cr3t-ipmi' });
  });

  it('never prints the password: plan text and JSON see it redacted', () => {
    const step = plan(BASE).nodes[0]!;
    const shown = JSON.stringify(redactStep(step));
    expect(shown).not.toContain('s3cr3t-ipmi');
    expect(shown).toContain('[redacted]');
    // a cleartext Passphrase is still a password
    const clear = plan(BASE.replace('storagePolicy: encrypted', 'storagePolicy: cleartext')).nodes[0]!;
    expect(JSON.stringify(redactStep(clear))).not.toContain('s3cr3t-ipmi');
  });

  it("a node-level oob field wins over the profile's, and the password change changes the digest", () => {
    const own = plan(BASE.replace('rack: r1}', 'rack: r1}, oob: {account: admin}')).nodes[0]!;
    expect(own.spec.bmc.credentials?.username).toBe('admin');
    const before = plan(BASE).nodes[0]!.digest;
    expect(plan(BASE.replace("'s3cr3t-ipmi'", "'other'")).nodes[0]!.digest).not.toBe(before);
    expect(plan(BASE.replace('rack: r1', 'rack: r2')).nodes[0]!.digest).toBe(before);
  });

  it('a BaremetalHost overrides what both say and adds what Drydock cannot say', () => {
    const partial = plan(
      BASE +
        doc(
          'slipway/BaremetalHost/v1',
          'n1-extra',
          "{node: n1, image: {url: 'http://img/x.qcow2', checksum: abc}, bootMACAddress: '52:54:00:AA:BB:99'}",
        ),
    ).nodes[0]!.spec;
    expect(partial.bmc).toEqual({
      address: 'ipmi://10.23.104.11',
      credentials: { username: 'root', password: 's3cr3t-ipmi' },
    });
    expect(partial.bootMACAddress).toBe('52:54:00:aa:bb:99');
    expect(partial.target).toBe('active');
    const secretRef = plan(
      BASE +
        doc(
          'slipway/BaremetalHost/v1',
          'n1',
          "{node: n1, bmc: {address: 'redfish://bmc-n1/redfish/v1/Systems/1', credentialsSecretRef: {name: n1-bmc}}}",
        ),
    ).nodes[0]!.spec;
    expect(secretRef.bmc).toEqual({
      address: 'redfish://bmc-n1/redfish/v1/Systems/1',
      credentialsSecretRef: { name: 'n1-bmc' },
    });
    expect(secretRef.bootMACAddress).toBe('52:54:00:aa:bb:01');
  });

  it('says why a node is not enrolled, or what is missing', () => {
    const libvirt = plan(BASE.replace('oob: {type: ipmi,', 'oob: {type: libvirt,'));
    expect(libvirt.nodes).toEqual([]);
    expect(libvirt.problems.map((p) => p.replace(/^site\.yaml:\d+: /, ''))).toEqual([
      "warning: NodeNotManaged: drydock/BaremetalNode/v1 n1 is not enrolled: oob type 'libvirt' has no Ironic driver (Slipway enrolls ipmi, redfish, idrac); a slipway/BaremetalHost/v1 can name its BMC",
    ]);
    const cases: Array<[string, string]> = [
      [
        BASE.replace(node('n1', '10.23.104.11'), node('n1', undefined)),
        "OobAddressMissing: drydock/BaremetalNode/v1 n1 has no addressing entry for its oob network 'oob'",
      ],
      [
        BASE.replace('account: root}', '}'),
        'BmcCredentialsMissing: drydock/BaremetalNode/v1 n1: BMC ipmi://10.23.104.11 needs credentials: oob.account and oob.credential in its host profile, or bmc.credentials / bmc.credentialsSecretRef in a slipway/BaremetalHost/v1',
      ],
      [
        BASE.replace('{hardware_profile: r720}', '{hardware_profile: r720, host_profile: cp}'),
        'HostProfileCycle: drydock/BaremetalNode/v1 n1: host profiles inherit in a circle (cp → cp)',
      ],
    ];
    for (const [text, want] of cases) {
      const r = plan(text);
      expect(r.nodes).toEqual([]);
      expect(r.problems.map((p) => p.replace(/^site\.yaml:\d+: /, ''))).toEqual([want]);
    }
  });
  it("parses a Drydock-derived BMC address as a BaremetalHost's: credentials, whitespace or shell syntax in the oob addressing are InvalidBmcAddress at that line", () => {
    const lines = BASE.split('\n');
    // The node's data (its addressing) is written 3 lines below its name.
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    for (const [address, reason] of [
      ['root:pw@10.23.104.11', 'it embeds credentials (user:password@)'],
      ['10.23.104.11;reboot', 'it holds shell syntax'],
      ['10.23.104.11 x', 'it holds whitespace'],
      ['10.23.104.11:99999', "port '99999' is not a number from 1 to 65535"],
    ]) {
      const text = BASE.replace(node('n1', '10.23.104.11'), node('n1', address));
      const r = plan(text);
      expect(r.nodes).toEqual([]);
      expect(r.problems).toEqual([
        expect.stringContaining(
          `site.yaml:${at('name: n1') + 3}: InvalidBmcAddress: drydock/BaremetalNode/v1 n1: BMC address "ipmi://`,
        ),
      ]);
      expect(r.problems[0]).toContain(reason);
      expect(r.problems[0]).not.toContain(':pw@');
    }
    // The same address in a BaremetalHost is refused by the same parser.
    const host = plan(
      BASE +
        doc(
          'slipway/BaremetalHost/v1',
          'n1',
          "{node: n1, bmc: {address: 'ipmi://10.23.104.11;reboot', credentialsSecretRef: {name: n1-bmc}}}",
        ),
    );
    expect(host.problems).toEqual([
      expect.stringMatching(
        /InvalidBmcAddress: slipway\/BaremetalHost\/v1 n1: BMC address "ipmi:\/\/10\.23\.104\.11;reboot" is refused: it holds shell syntax/,
      ),
    ]);
    // An IPv6 address and a port are fine.
    expect(plan(BASE.replace(node('n1', '10.23.104.11'), node('n1', 'fd00::11'))).nodes[0]!.spec.bmc.address).toBe(
      'ipmi://[fd00::11]',
    );
    expect(
      plan(BASE.replace(node('n1', '10.23.104.11'), node('n1', '10.23.104.11:6230'))).nodes[0]!.spec.bmc.address,
    ).toBe('ipmi://10.23.104.11:6230');
  });
});
