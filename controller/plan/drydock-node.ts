// What Drydock's own documents say about a node, in Ironic's terms. Pure.
// A drydock/BaremetalNode/v1 inherits from its HostProfile chain (`host_profile`, and a
// profile's own `host_profile`) field by field, as Drydock applies design inheritance: the
// nearest document that sets `oob.type`, `oob.account`, ... wins. From the result:
//   BMC       oob.type + the node's `addressing` entry on oob.network (see drydock-bmc.ts)
//   username  oob.account; password oob.credential (the deckhand/Passphrase/v1 it names,
//             or the value itself, which is what Deckhand substitutes into it)
//   boot MAC  metadata.boot_mac
//   hardware  the HardwareProfile's boot_mode (→ capabilities) and the boot drive of the
//             storage layout (→ root_device hints: a device alias by its SCSI address, else /dev/NAME)

import { locatePath } from '../documents/parse.js';
import type { Json, JsonObject, RenderedDocument } from '../documents/types.js';
import type { BmcCredentials } from '../drivers/types.js';
import type { Problems } from '../problems/index.js';
import { BAREMETAL_NODE, type DocumentIndex, obj } from './documents.js';
import { drydockBmcAddress, drydockOobScheme } from './drydock-bmc.js';

export const HOST_PROFILE = 'drydock/HostProfile/v1';
export const HARDWARE_PROFILE = 'drydock/HardwareProfile/v1';
export const NETWORK = 'drydock/Network/v1';
export const PASSPHRASE = 'deckhand/Passphrase/v1';

export interface DrydockNodeFacts {
  /** The BMC, when the oob block names one Ironic can drive. */
  bmc?: { address: string; credentials?: BmcCredentials };
  /** Why no BMC could be derived (no oob block, or an oob type without an Ironic driver). */
  unmanaged?: string;
  bootMACAddress?: string;
  properties: JsonObject;
}

/** Facts of one BaremetalNode; undefined when its documents are inconsistent (errors added). */
export function drydockNodeFacts(
  node: RenderedDocument,
  index: DocumentIndex,
  problems: Problems,
): DrydockNodeFacts | undefined {
  const chain = profileChain(node, index, problems);
  if (!chain) return undefined;
  const first = (get: (d: { [k: string]: Json }) => Json | undefined): Json | undefined => {
    for (const doc of chain) {
      const v = get(obj(doc.data));
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
  const oobField = (k: string) => first((d) => obj(d.oob)[k]);
  const facts: DrydockNodeFacts = { properties: {} };
  const mac = first((d) => obj(d.metadata).boot_mac);
  if (typeof mac === 'string' && mac !== '') facts.bootMACAddress = mac.toLowerCase();

  const hardwareName = first((d) => d.hardware_profile);
  const hardware = typeof hardwareName === 'string' ? index.get(HARDWARE_PROFILE, hardwareName) : undefined;
  if (typeof hardwareName === 'string' && !hardware) {
    problems.warning(
      'HardwareProfileNotFound',
      `${BAREMETAL_NODE} ${node.metadata.name} uses ${HARDWARE_PROFILE} '${hardwareName}', which is not among the rendered documents (no boot mode or boot drive from it)`,
      { source: node.source },
    );
  }
  Object.assign(facts.properties, hardwareProperties(obj(hardware?.data), obj(first((d) => d.storage))));

  const type = oobField('type');
  if (typeof type !== 'string' || type === '') {
    facts.unmanaged = 'it has no oob block (oob.type) in itself or its host profiles';
    return facts;
  }
  const scheme = drydockOobScheme(type);
  if ('unsupported' in scheme) {
    facts.unmanaged = scheme.unsupported;
    return facts;
  }
  const network = oobField('network');
  if (typeof network !== 'string' || network === '') {
    problems.error(
      'OobNetworkMissing',
      `${BAREMETAL_NODE} ${node.metadata.name}: oob type '${type}' needs oob.network, the network its BMC address is on`,
      { source: node.source },
    );
    return undefined;
  }
  if (!index.get(NETWORK, network)) {
    problems.warning(
      'NetworkNotFound',
      `${BAREMETAL_NODE} ${node.metadata.name}: oob.network '${network}' is not a ${NETWORK} among the rendered documents`,
      { source: node.source },
    );
  }
  const addressing = (Array.isArray(obj(node.data).addressing) ? (obj(node.data).addressing as Json[]) : []).map(obj);
  const at = addressing.findIndex((a) => a.network === network);
  const entry = addressing[at];
  if (!entry || typeof entry.address !== 'string' || entry.address === '') {
    problems.error(
      'OobAddressMissing',
      `${BAREMETAL_NODE} ${node.metadata.name} has no addressing entry for its oob network '${network}'`,
      { source: node.source },
    );
    return undefined;
  }
  const bmc = drydockBmcAddress(type, entry.address);
  if ('unsupported' in bmc) return facts;
  if ('invalid' in bmc) {
    problems.error(
      'InvalidBmcAddress',
      `${BAREMETAL_NODE} ${node.metadata.name}: BMC address "${bmc.shown}" (oob type '${type}' and its addressing on '${network}') is refused: ${bmc.invalid}`,
      {
        source: locatePath(node, ['data', 'addressing', at, 'address']),
        document: { schema: node.schema, name: node.metadata.name },
      },
    );
    return undefined;
  }
  facts.bmc = { address: bmc.address };
  const account = oobField('account');
  const credential = oobField('credential');
  if (typeof account === 'string' && typeof credential === 'string') {
    facts.bmc.credentials = { username: account, password: passphrase(credential, index) };
  }
  return facts;
}

/** The node, then each host profile it inherits from, nearest first. */
function profileChain(
  node: RenderedDocument,
  index: DocumentIndex,
  problems: Problems,
): RenderedDocument[] | undefined {
  const chain = [node];
  const seen = new Set<string>();
  for (let doc = node; ; ) {
    const parent = obj(doc.data).host_profile;
    if (typeof parent !== 'string' || parent === '') return chain;
    if (seen.has(parent)) {
      problems.error(
        'HostProfileCycle',
        `${BAREMETAL_NODE} ${node.metadata.name}: host profiles inherit in a circle (${[...seen, parent].join(' → ')})`,
        { source: node.source },
      );
      return undefined;
    }
    seen.add(parent);
    const profile = index.get(HOST_PROFILE, parent);
    if (!profile) {
      problems.warning(
        'HostProfileNotFound',
        `${doc.schema} ${doc.metadata.name} uses ${HOST_PROFILE} '${parent}', which is not among the rendered documents (nothing inherited from it)`,
        { source: doc.source },
      );
      return chain;
    }
    chain.push(profile);
    doc = profile;
  }
}

/** oob.credential names a Passphrase (its value is the password), or is the password itself. */
function passphrase(credential: string, index: DocumentIndex): string {
  const doc = index.get(PASSPHRASE, credential);
  return doc && typeof doc.data === 'string' ? doc.data : credential;
}

function hardwareProperties(hardware: { [k: string]: Json }, storage: { [k: string]: Json }): JsonObject {
  const props: JsonObject = {};
  const mode = typeof hardware.boot_mode === 'string' ? hardware.boot_mode.toLowerCase() : undefined;
  if (mode === 'bios' || mode === 'uefi') props.capabilities = `boot_mode:${mode}`;
  const aliases = obj(hardware.device_aliases);
  for (const [name, device] of Object.entries(obj(storage.physical_devices))) {
    if (obj(obj(device).labels).bootdrive !== 'true') continue;
    const alias = obj(aliases[name]);
    if (alias.bus_type === 'scsi' && typeof alias.address === 'string') {
      // Drydock writes a SCSI address as host:channel.target.lun; Ironic's hctl hint is H:C:T:L.
      props.root_device = { hctl: alias.address.replace(/\./g, ':') };
    } else if (!aliases[name]) {
      props.root_device = { name: name.startsWith('/') ? name : `/dev/${name}` };
    }
    break;
  }
  return props;
}
