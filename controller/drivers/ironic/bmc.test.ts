import { describe, expect, it } from 'vitest';
import { BmcAddressError, bmcDriver, redactAddress } from './bmc.js';

const creds = { username: 'admin', password: 's3cret-pw' };

const REDFISH_IFACES = {
  boot_interface: 'pxe',
  deploy_interface: 'direct',
  inspect_interface: 'redfish',
  management_interface: 'redfish',
  power_interface: 'redfish',
};
const IDRAC_IFACES = {
  boot_interface: 'pxe',
  deploy_interface: 'direct',
  inspect_interface: 'redfish',
  management_interface: 'idrac-redfish',
  power_interface: 'idrac-redfish',
  vendor_interface: 'idrac-redfish',
};

describe('bmcDriver', () => {
  const rows: {
    address: string;
    disableCertificateVerification?: boolean;
    driver: string;
    driver_info: object;
    interfaces: object;
  }[] = [
    {
      address: 'ipmi://192.168.111.1',
      driver: 'ipmi',
      driver_info: {
        ipmi_address: '192.168.111.1',
        ipmi_port: 623,
        ipmi_username: 'admin',
        ipmi_password: 's3cret-pw',
      },
      interfaces: {
        boot_interface: 'pxe',
        deploy_interface: 'direct',
        management_interface: 'ipmitool',
        power_interface: 'ipmitool',
      },
    },
    {
      address: 'ipmi://bmc-1.lab.example:6230',
      driver: 'ipmi',
      driver_info: {
        ipmi_address: 'bmc-1.lab.example',
        ipmi_port: 6230,
        ipmi_username: 'admin',
        ipmi_password: 's3cret-pw',
      },
      interfaces: {
        boot_interface: 'pxe',
        deploy_interface: 'direct',
        management_interface: 'ipmitool',
        power_interface: 'ipmitool',
      },
    },
    {
      address: 'ipmi://[fd00::1]:623',
      driver: 'ipmi',
      driver_info: { ipmi_address: 'fd00::1', ipmi_port: 623, ipmi_username: 'admin', ipmi_password: 's3cret-pw' },
      interfaces: {
        boot_interface: 'pxe',
        deploy_interface: 'direct',
        management_interface: 'ipmitool',
        power_interface: 'ipmitool',
      },
    },
    {
      address: 'redfish://10.0.0.5/redfish/v1/Systems/1',
      driver: 'redfish',
      driver_info: {
        redfish_address: 'https://10.0.0.5',
        redfish_system_id: '/redfish/v1/Systems/1',
        redfish_username: 'admin',
        redfish_password: 's3cret-pw',
      },
      interfaces: REDFISH_IFACES,
    },
    {
      address: 'redfish://10.0.0.5:8443/redfish/v1/Systems/1',
      disableCertificateVerification: true,
      driver: 'redfish',
      driver_info: {
        redfish_address: 'https://10.0.0.5:8443',
        redfish_system_id: '/redfish/v1/Systems/1',
        redfish_username: 'admin',
        redfish_password: 's3cret-pw',
        redfish_verify_ca: false,
      },
      interfaces: REDFISH_IFACES,
    },
    {
      address: 'redfish+http://127.0.0.1:8000/redfish/v1/Systems/5e1a7c2b-0001',
      driver: 'redfish',
      driver_info: {
        redfish_address: 'http://127.0.0.1:8000',
        redfish_system_id: '/redfish/v1/Systems/5e1a7c2b-0001',
        redfish_username: 'admin',
        redfish_password: 's3cret-pw',
      },
      interfaces: REDFISH_IFACES,
    },
    {
      address: 'redfish+https://bmc.example/redfish/v1/',
      driver: 'redfish',
      driver_info: { redfish_address: 'https://bmc.example', redfish_username: 'admin', redfish_password: 's3cret-pw' },
      interfaces: REDFISH_IFACES,
    },
    {
      address: 'redfish-virtualmedia://[fd00::5]/redfish/v1/Systems/System.Embedded.1',
      driver: 'redfish',
      driver_info: {
        redfish_address: 'https://[fd00::5]',
        redfish_system_id: '/redfish/v1/Systems/System.Embedded.1',
        redfish_username: 'admin',
        redfish_password: 's3cret-pw',
      },
      interfaces: { ...REDFISH_IFACES, boot_interface: 'redfish-virtual-media' },
    },
    {
      address: 'idrac-redfish://10.1.1.1/redfish/v1/Systems/System.Embedded.1',
      driver: 'idrac',
      driver_info: {
        redfish_address: 'https://10.1.1.1',
        redfish_system_id: '/redfish/v1/Systems/System.Embedded.1',
        redfish_username: 'admin',
        redfish_password: 's3cret-pw',
      },
      interfaces: IDRAC_IFACES,
    },
    {
      address: 'idrac-virtualmedia://10.1.1.1/redfish/v1/Systems/System.Embedded.1',
      disableCertificateVerification: true,
      driver: 'idrac',
      driver_info: {
        redfish_address: 'https://10.1.1.1',
        redfish_system_id: '/redfish/v1/Systems/System.Embedded.1',
        redfish_username: 'admin',
        redfish_password: 's3cret-pw',
        redfish_verify_ca: false,
      },
      interfaces: { ...IDRAC_IFACES, boot_interface: 'idrac-redfish-virtual-media' },
    },
    {
      address: 'fake://node-1',
      driver: 'fake-hardware',
      driver_info: {},
      interfaces: {
        boot_interface: 'fake',
        deploy_interface: 'fake',
        inspect_interface: 'fake',
        management_interface: 'fake',
        power_interface: 'fake',
      },
    },
  ];

  it.each(rows)('$address', (row) => {
    const got = bmcDriver(row.address, creds, { disableCertificateVerification: row.disableCertificateVerification });
    expect(got).toEqual({ driver: row.driver, driver_info: row.driver_info, interfaces: row.interfaces });
  });

  it('needs no credentials for fake://', () => {
    expect(bmcDriver('fake://anything/at/all').driver).toBe('fake-hardware');
  });

  it.each([
    ['gopher://10.0.0.1', /unknown scheme "gopher".*known: ipmi, redfish/],
    ['10.0.0.1', /is not a URL/],
    ['redfish://admin:hunter2@10.0.0.1/redfish/v1/Systems/1', /must not embed credentials/],
  ])('rejects %s with a clear error', (address, message) => {
    let err: unknown;
    try {
      bmcDriver(address, creds);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BmcAddressError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).not.toContain('s3cret-pw');
  });

  it('names the address when credentials are missing', () => {
    expect(() => bmcDriver('ipmi://10.0.0.1')).toThrow(
      /BMC address "ipmi:\/\/10.0.0.1": the ipmi:\/\/ BMC needs credentials/,
    );
  });

  it('redacts user info from addresses', () => {
    expect(redactAddress('redfish://u:p@host/x')).toBe('redfish://host/x');
    expect(redactAddress('ipmi://host')).toBe('ipmi://host');
  });
});
