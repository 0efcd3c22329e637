// Drydock's out-of-band block → the BMC address Slipway's Ironic driver reads. Pure.
// Drydock names the management protocol in `oob.type` and puts the BMC's IP in the node's
// `addressing` entry for `oob.network`; Slipway's drivers take one address URL instead.
//   ipmi     → ipmi://ADDR            (Drydock's pyghmi driver: IPMI over LAN, port 623)
//   redfish  → redfish://ADDR         (Drydock's redfish driver: https, the first System)
//   idrac    → idrac-redfish://ADDR   (Dell iDRAC through Ironic's idrac-redfish interfaces)
// `libvirt` and `manual` have no Ironic hardware type: such nodes are not enrolled.
// The address is then parsed as a BaremetalHost's bmc.address is (bmc-address.ts): an
// `addressing` entry holding credentials, whitespace or shell syntax is refused the same way.

import { BMC_SCHEMES } from '../validate/schemas/slipway.js';
import { parseBmcAddress, shownAddress } from './bmc-address.js';

export const DRYDOCK_OOB_SCHEMES: Readonly<Record<string, string>> = {
  ipmi: 'ipmi',
  redfish: 'redfish',
  idrac: 'idrac-redfish',
};

export type OobScheme = { scheme: string } | { unsupported: string };

/** `invalid`: the address was built but refused (the reason, and the address as it may be printed). */
export type OobAddress = { address: string } | { unsupported: string } | { invalid: string; shown: string };

/** The BMC address scheme for a Drydock oob type, or why it has none. */
export function drydockOobScheme(oobType: string): OobScheme {
  const scheme = DRYDOCK_OOB_SCHEMES[oobType.toLowerCase()];
  if (!scheme) {
    return {
      unsupported: `oob type '${oobType}' has no Ironic driver (Slipway enrolls ${Object.keys(DRYDOCK_OOB_SCHEMES).join(', ')})`,
    };
  }
  return { scheme };
}

/** The BMC address for a Drydock oob type and the node's address on the oob network. */
export function drydockBmcAddress(oobType: string, host: string): OobAddress {
  const scheme = drydockOobScheme(oobType);
  if ('unsupported' in scheme) return scheme;
  const trimmed = host.trim();
  // An IPv6 address (two or more colons, not bracketed) gets brackets; "host:port" stays as it is.
  const ipv6 = !trimmed.startsWith('[') && (trimmed.match(/:/g)?.length ?? 0) > 1;
  const address = `${scheme.scheme}://${ipv6 ? `[${trimmed}]` : trimmed}`;
  const parsed = parseBmcAddress(address, BMC_SCHEMES);
  return parsed.ok ? { address } : { invalid: parsed.reason, shown: shownAddress(address) };
}
