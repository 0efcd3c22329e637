// drydock/BaremetalNode/v1 (with its host/hardware profiles) → node steps. A
// slipway/BaremetalHost/v1 naming the node adds what Drydock cannot say (image, config drive,
// a credentials Secret, ...) and overrides what both say.

import { locatePath } from '../documents/parse.js';
import type { Json, JsonObject, RenderedDocument } from '../documents/types.js';
import { needsCredentials, redactAddress } from '../drivers/ironic/bmc.js';
import type { NodeSpec } from '../drivers/types.js';
import { Problems } from '../problems/index.js';
import { BMC_SCHEMES } from '../validate/schemas/slipway.js';
import { parseBmcAddress, shownAddress } from './bmc-address.js';
import { digestOf, sha256 } from './digest.js';
import { BAREMETAL_HOST, BAREMETAL_NODE, type DocumentIndex, obj, origin } from './documents.js';
import { type DrydockNodeFacts, drydockNodeFacts } from './drydock-node.js';
import type { NodeStep, Phase } from './types.js';

export const BAREMETAL_PHASE = 'baremetal';

const ROOT_DEVICE_KEYS: Record<string, string> = {
  deviceName: 'name',
  hctl: 'hctl',
  model: 'model',
  vendor: 'vendor',
  serialNumber: 'serial',
  wwn: 'wwn',
  minSizeGigabytes: 'size',
  rotational: 'rotational',
};

export function baremetalPhase(index: DocumentIndex, problems: Problems, site?: string): Phase | undefined {
  const hosts = new Map<string, RenderedDocument>();
  for (const host of index.all(BAREMETAL_HOST)) {
    const d = obj(host.data);
    const nodeName = typeof d.node === 'string' ? d.node : host.metadata.name;
    if (!index.get(BAREMETAL_NODE, nodeName)) {
      problems.error(
        'NodeNotFound',
        `${BAREMETAL_HOST} ${host.metadata.name} extends ${BAREMETAL_NODE} '${nodeName}', which is not among the rendered documents`,
        { source: host.source },
      );
      continue;
    }
    const first = hosts.get(nodeName);
    if (first) {
      problems.error(
        'DuplicateBaremetalHost',
        `${BAREMETAL_HOST} ${host.metadata.name} and ${first.metadata.name} (${origin(first).at}) both extend ${BAREMETAL_NODE} '${nodeName}'; a node has one host`,
        { source: host.source, document: { schema: host.schema, name: host.metadata.name } },
      );
      continue;
    }
    hosts.set(nodeName, host);
  }
  const steps: NodeStep[] = [];
  for (const node of index.all(BAREMETAL_NODE)) {
    const host = hosts.get(node.metadata.name);
    // A BaremetalHost with its own BMC address needs nothing from the profiles: their gaps are not its problems.
    const facts = drydockNodeFacts(
      node,
      index,
      host && typeof obj(obj(host.data).bmc).address === 'string' ? new Problems() : problems,
    );
    if (!facts) continue;
    const step = nodeStep(node, facts, host, problems, site);
    if (step) steps.push(step);
  }
  return steps.length ? { name: BAREMETAL_PHASE, kind: 'baremetal', sequenced: false, steps } : undefined;
}

/** The node's spec from Drydock's facts, with the BaremetalHost's fields (when there is one) taking precedence. */
function nodeStep(
  node: RenderedDocument,
  facts: DrydockNodeFacts,
  host: RenderedDocument | undefined,
  problems: Problems,
  site: string | undefined,
): NodeStep | undefined {
  const nodeName = node.metadata.name;
  const d = obj(host?.data);
  const bmc = obj(d.bmc);
  const address = typeof bmc.address === 'string' ? bmc.address : facts.bmc?.address;
  const at = host ?? node;
  if (!address) {
    problems.warning(
      'NodeNotManaged',
      `${BAREMETAL_NODE} ${nodeName} is not enrolled: ${facts.unmanaged ?? 'no BMC address'}${host ? '' : `; a ${BAREMETAL_HOST} can name its BMC`}`,
      { source: at.source },
    );
    return undefined;
  }
  // An address the host names is parsed here; one derived from Drydock's oob block was parsed the same way (drydock-bmc.ts).
  if (host && typeof bmc.address === 'string') {
    const parsed = parseBmcAddress(bmc.address, BMC_SCHEMES);
    if (!parsed.ok) {
      problems.error(
        'InvalidBmcAddress',
        `${BAREMETAL_HOST} ${host.metadata.name}: BMC address "${shownAddress(bmc.address)}" is refused: ${parsed.reason}`,
        {
          source: locatePath(host, ['data', 'bmc', 'address']),
          document: { schema: host.schema, name: host.metadata.name },
        },
      );
      return undefined;
    }
  }
  const spec: NodeSpec = {
    name: nodeName,
    ...(site ? { site } : {}),
    bmc: { address },
    properties: { ...facts.properties, ...properties(d) },
    inspect: d.inspect === true,
    target: d.image ? 'active' : 'available',
    digest: '',
  };
  const creds = obj(bmc.credentials);
  const ref = obj(bmc.credentialsSecretRef);
  if (typeof creds.username === 'string' && typeof creds.password === 'string')
    spec.bmc.credentials = { username: creds.username, password: creds.password };
  else if (typeof ref.name === 'string')
    spec.bmc.credentialsSecretRef =
      typeof ref.namespace === 'string' ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
  else if (facts.bmc?.credentials) spec.bmc.credentials = { ...facts.bmc.credentials };
  if (!spec.bmc.credentials && !spec.bmc.credentialsSecretRef && needsCredentials(address)) {
    problems.error(
      'BmcCredentialsMissing',
      `${BAREMETAL_NODE} ${nodeName}: BMC ${redactAddress(address)} needs credentials: oob.account and oob.credential in its host profile, or bmc.credentials / bmc.credentialsSecretRef in a ${BAREMETAL_HOST}`,
      { source: at.source },
    );
    return undefined;
  }
  if (bmc.disableCertificateVerification === true) spec.bmc.disableCertificateVerification = true;
  const mac = typeof d.bootMACAddress === 'string' ? d.bootMACAddress : facts.bootMACAddress;
  if (mac) spec.bootMACAddress = mac.toLowerCase();
  const image = obj(d.image);
  if (typeof image.url === 'string' && typeof image.checksum === 'string') {
    spec.image = { url: image.url, checksum: image.checksum };
    if (typeof image.checksumType === 'string') spec.image.checksumType = image.checksumType;
  }
  const configDrive = configDriveOf(d);
  if (configDrive !== undefined) spec.configDrive = configDrive;
  if (typeof d.redeploy === 'string') spec.redeploy = d.redeploy;
  // The password enters the digest only as its own hash, so a changed password is a change.
  const credentialHash = spec.bmc.credentials
    ? sha256(`${spec.bmc.credentials.username}\u0000${spec.bmc.credentials.password}`)
    : undefined;
  spec.digest = digestOf({ ...spec, digest: undefined, bmc: { ...spec.bmc, credentials: credentialHash } });
  return {
    kind: 'node',
    id: `node/${nodeName}`,
    phase: BAREMETAL_PHASE,
    dependsOn: [],
    digest: spec.digest,
    origin: origin(at),
    secretPaths: spec.bmc.credentials ? ['.bmc.credentials.password'] : [],
    spec,
  };
}

function properties(d: { [k: string]: Json }): JsonObject {
  const props: JsonObject = {};
  const hints = obj(d.rootDeviceHints);
  const rootDevice: JsonObject = {};
  for (const [k, v] of Object.entries(hints)) rootDevice[ROOT_DEVICE_KEYS[k] ?? k] = v;
  if (Object.keys(rootDevice).length) props.root_device = rootDevice;
  if (d.bootMode === 'UEFI' || d.bootMode === 'UEFISecureBoot')
    props.capabilities = d.bootMode === 'UEFI' ? 'boot_mode:uefi' : 'boot_mode:uefi,secure_boot:true';
  else if (d.bootMode === 'legacy') props.capabilities = 'boot_mode:bios';
  return props;
}

function configDriveOf(d: { [k: string]: Json }): JsonObject | undefined {
  if (d.configDrive && typeof d.configDrive === 'object' && !Array.isArray(d.configDrive)) return d.configDrive;
  if (typeof d.userData === 'string' || typeof d.networkData === 'string') {
    const cd: JsonObject = {};
    if (typeof d.userData === 'string') cd.user_data = d.userData;
    if (typeof d.networkData === 'string') cd.network_data = JSON.parse(d.networkData) as Json;
    return cd;
  }
  return undefined;
}
