// BMC address → Ironic hardware type, driver_info and interfaces. Pure: no I/O.
//
// Schemes (as in Metal3's bmc package, which this follows in spirit):
//   ipmi://host[:port]                       ipmi      (port 623 by default)
//   redfish://host[:port]/path               redfish   over https, system id = path
//   redfish+http://, redfish+https://        redfish   over the named scheme
//   redfish-virtualmedia://                  redfish   with virtual-media boot (https)
//   idrac-redfish://, idrac-virtualmedia://  idrac     with the idrac-redfish interfaces
//   fake://anything                          fake-hardware, every interface fake
import type { BmcCredentials } from '../types.js';

export interface BmcInterfaces {
  boot_interface?: string;
  deploy_interface?: string;
  inspect_interface?: string;
  management_interface?: string;
  power_interface?: string;
  vendor_interface?: string;
}

export interface BmcDriver {
  /** Ironic hardware type. */
  driver: string;
  driver_info: Record<string, string | number | boolean>;
  interfaces: BmcInterfaces;
}

export interface BmcOptions {
  disableCertificateVerification?: boolean;
}

export class BmcAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BmcAddressError';
  }
}

/** The address with any user info removed, for messages. */
export function redactAddress(address: string): string {
  return address.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

type Builder = (url: URL, creds: BmcCredentials | undefined, opts: BmcOptions) => BmcDriver;

function needCreds(creds: BmcCredentials | undefined, scheme: string): BmcCredentials {
  if (!creds) throw new BmcAddressError(`the ${scheme}:// BMC needs credentials (username and password)`);
  return creds;
}

function redfishAddress(url: URL, httpScheme: 'http' | 'https'): Record<string, string | boolean> {
  const info: Record<string, string | boolean> = { redfish_address: `${httpScheme}://${url.host}` };
  const path = url.pathname;
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && trimmed !== 'redfish/v1') info.redfish_system_id = path;
  return info;
}

function redfish(httpScheme: 'http' | 'https', driver: 'redfish' | 'idrac', interfaces: BmcInterfaces): Builder {
  return (url, creds, opts) => {
    const c = needCreds(creds, url.protocol.slice(0, -1));
    const driver_info: Record<string, string | boolean> = {
      ...redfishAddress(url, httpScheme),
      redfish_username: c.username,
      redfish_password: c.password,
    };
    if (opts.disableCertificateVerification) driver_info.redfish_verify_ca = false;
    return { driver, driver_info, interfaces: { ...interfaces } };
  };
}

const REDFISH: BmcInterfaces = {
  boot_interface: 'pxe',
  deploy_interface: 'direct',
  inspect_interface: 'redfish',
  management_interface: 'redfish',
  power_interface: 'redfish',
};
const REDFISH_VMEDIA: BmcInterfaces = { ...REDFISH, boot_interface: 'redfish-virtual-media' };
const IDRAC: BmcInterfaces = {
  boot_interface: 'pxe',
  deploy_interface: 'direct',
  inspect_interface: 'redfish',
  management_interface: 'idrac-redfish',
  power_interface: 'idrac-redfish',
  vendor_interface: 'idrac-redfish',
};
const IDRAC_VMEDIA: BmcInterfaces = { ...IDRAC, boot_interface: 'idrac-redfish-virtual-media' };

const ipmi: Builder = (url, creds) => {
  const c = needCreds(creds, 'ipmi');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new BmcAddressError('an ipmi:// BMC address needs a host');
  return {
    driver: 'ipmi',
    driver_info: {
      ipmi_address: host,
      ipmi_port: url.port ? Number(url.port) : 623,
      ipmi_username: c.username,
      ipmi_password: c.password,
    },
    interfaces: {
      boot_interface: 'pxe',
      deploy_interface: 'direct',
      management_interface: 'ipmitool',
      power_interface: 'ipmitool',
    },
  };
};

const fake: Builder = () => ({
  driver: 'fake-hardware',
  driver_info: {},
  interfaces: {
    boot_interface: 'fake',
    deploy_interface: 'fake',
    inspect_interface: 'fake',
    management_interface: 'fake',
    power_interface: 'fake',
  },
});

const SCHEMES: Record<string, Builder> = {
  ipmi,
  redfish: redfish('https', 'redfish', REDFISH),
  'redfish+http': redfish('http', 'redfish', REDFISH),
  'redfish+https': redfish('https', 'redfish', REDFISH),
  'redfish-virtualmedia': redfish('https', 'redfish', REDFISH_VMEDIA),
  'redfish-virtualmedia+http': redfish('http', 'redfish', REDFISH_VMEDIA),
  'redfish-virtualmedia+https': redfish('https', 'redfish', REDFISH_VMEDIA),
  'idrac-redfish': redfish('https', 'idrac', IDRAC),
  'idrac-redfish+http': redfish('http', 'idrac', IDRAC),
  'idrac-redfish+https': redfish('https', 'idrac', IDRAC),
  'idrac-virtualmedia': redfish('https', 'idrac', IDRAC_VMEDIA),
  'idrac-virtualmedia+http': redfish('http', 'idrac', IDRAC_VMEDIA),
  'idrac-virtualmedia+https': redfish('https', 'idrac', IDRAC_VMEDIA),
  fake,
};

export const SUPPORTED_SCHEMES: readonly string[] = Object.keys(SCHEMES);

/**
 * Map a BMC address (and its credentials) to what Ironic needs to enroll the node.
 * Throws BmcAddressError naming the address (never its credentials) when the address
 * cannot be used.
 */
export function bmcDriver(address: string, credentials?: BmcCredentials, opts: BmcOptions = {}): BmcDriver {
  const shown = redactAddress(address);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new BmcAddressError(
      `BMC address "${shown}" is not a URL (expected e.g. redfish://host/redfish/v1/Systems/1)`,
    );
  }
  if (url.username || url.password) {
    throw new BmcAddressError(`BMC address "${shown}" must not embed credentials: use the credentials reference`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const build = SCHEMES[scheme];
  if (!build) {
    throw new BmcAddressError(
      `BMC address "${shown}" has an unknown scheme "${scheme}" (known: ${SUPPORTED_SCHEMES.join(', ')})`,
    );
  }
  try {
    return build(url, credentials, opts);
  } catch (err) {
    throw new BmcAddressError(`BMC address "${shown}": ${(err as Error).message}`);
  }
}

/** fake:// BMCs need no credentials; every other scheme does. */
export function needsCredentials(address: string): boolean {
  return !/^fake:/i.test(address.trim());
}
