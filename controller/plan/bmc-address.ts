// A BMC address parsed into scheme, host, port and path before anything is enrolled; an
// address with credentials, whitespace, control characters or shell syntax is refused.
// Pure. (The Ironic driver maps a parsed address to driver_info: drivers/ironic/bmc.ts.)

export interface BmcAddress {
  scheme: string;
  host: string;
  port?: number;
  path: string;
}

export type BmcAddressParse = { ok: true; address: BmcAddress } | { ok: false; reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i;
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)$/;
const PATH = /^(?:\/[A-Za-z0-9._~%/+=-]*)?$/;
const SHELL = /[;|&$`'"<>(){}\\!*?#^~[\]]/;

/** The address for messages: user info removed, control characters shown escaped. */
export function shownAddress(address: string): string {
  return JSON.stringify(address.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1')).slice(1, -1);
}

export function parseBmcAddress(address: string, knownSchemes: readonly string[]): BmcAddressParse {
  const fail = (reason: string): BmcAddressParse => ({ ok: false, reason });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(address)) return fail('it holds a control character (a newline, tab, NUL, ...)');
  if (/\s/.test(address)) return fail('it holds whitespace');
  const m = SCHEME.exec(address);
  if (!m) return fail('it is not a URL of the form scheme://host[:port][/path]');
  const scheme = m[1]!.toLowerCase();
  if (!knownSchemes.includes(scheme)) return fail(`unknown scheme '${scheme}' (known: ${knownSchemes.join(', ')})`);
  const rest = m[2]!;
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  if (authority.includes('@'))
    return fail('it embeds credentials (user:password@): give them as bmc.credentials or bmc.credentialsSecretRef');
  if (SHELL.test(authority.replace(/^\[[0-9A-Fa-f:.]+\]/, '')) || SHELL.test(path.replace(/[~]/g, '')))
    return fail('it holds shell syntax (one of ; | & $ ` \' " < > ( ) { } \\ ! * ? # ^ [ ])');
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hp) return fail('its host and port cannot be read');
  const host = hp[1]!;
  if (!host) return fail('it has no host');
  if (!HOST.test(host)) return fail(`host '${host}' is not a host name or IP address`);
  let port: number | undefined;
  if (hp[2] !== undefined) {
    port = Number(hp[2]);
    if (hp[2] === '' || !Number.isInteger(port) || port < 1 || port > 65535)
      return fail(`port '${hp[2]}' is not a number from 1 to 65535`);
  }
  if (!PATH.test(path)) return fail(`path '${path}' holds characters a BMC path does not`);
  return { ok: true, address: { scheme, host, ...(port !== undefined ? { port } : {}), path } };
}
