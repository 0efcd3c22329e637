// slipway/BaremetalHost/v1 (+ the drydock/BaremetalNode/v1 it extends) → node steps.

import type { Json, JsonObject, RenderedDocument } from "../documents/types.js";
import type { NodeSpec } from "../drivers/types.js";
import type { Problems } from "../problems/index.js";
import { locatePath } from "../documents/parse.js";
import { BMC_SCHEMES } from "../validate/schemas/slipway.js";
import { parseBmcAddress, shownAddress } from "./bmc-address.js";
import { digestOf, sha256 } from "./digest.js";
import { BAREMETAL_HOST, BAREMETAL_NODE, DocumentIndex, obj, origin } from "./documents.js";
import type { NodeStep, Phase } from "./types.js";

export const BAREMETAL_PHASE = "baremetal";

const ROOT_DEVICE_KEYS: Record<string, string> = {
  deviceName: "name",
  hctl: "hctl",
  model: "model",
  vendor: "vendor",
  serialNumber: "serial",
  wwn: "wwn",
  minSizeGigabytes: "size",
  rotational: "rotational",
};

export function baremetalPhase(index: DocumentIndex, problems: Problems, site?: string): Phase | undefined {
  const hosts = index.all(BAREMETAL_HOST);
  const covered = new Set<string>();
  const steps: NodeStep[] = [];
  const hostOf = new Map<string, RenderedDocument>();
  for (const host of hosts) {
    const step = nodeStep(host, index, problems, site);
    if (step) {
      const first = hostOf.get(step.spec.name);
      if (first) {
        problems.error("DuplicateBaremetalHost", `${BAREMETAL_HOST} ${host.metadata.name} and ${first.metadata.name} (${origin(first).at}) both describe node '${step.spec.name}'; a node has one host`, { source: host.source, document: { schema: host.schema, name: host.metadata.name } });
        continue;
      }
      hostOf.set(step.spec.name, host);
      steps.push(step);
      covered.add(step.spec.name);
    }
  }
  for (const node of index.all(BAREMETAL_NODE)) {
    if (!covered.has(node.metadata.name)) {
      problems.warning("NodeNotManaged", `${BAREMETAL_NODE} ${node.metadata.name} has no ${BAREMETAL_HOST}, so Slipway does not enroll it`, { source: node.source });
    }
  }
  return steps.length ? { name: BAREMETAL_PHASE, kind: "baremetal", sequenced: false, steps } : undefined;
}

function nodeStep(host: RenderedDocument, index: DocumentIndex, problems: Problems, site: string | undefined): NodeStep | undefined {
  const d = obj(host.data);
  const nodeName = typeof d.node === "string" ? d.node : host.metadata.name;
  if (!index.get(BAREMETAL_NODE, nodeName)) {
    problems.error("NodeNotFound", `${BAREMETAL_HOST} ${host.metadata.name} extends ${BAREMETAL_NODE} '${nodeName}', which is not among the rendered documents`, { source: host.source });
    return undefined;
  }
  const bmc = obj(d.bmc);
  const address = parseBmcAddress(String(bmc.address), BMC_SCHEMES);
  if (!address.ok) {
    problems.error("InvalidBmcAddress", `${BAREMETAL_HOST} ${host.metadata.name}: BMC address "${shownAddress(String(bmc.address))}" is refused: ${address.reason}`, { source: locatePath(host, ["data", "bmc", "address"]), document: { schema: host.schema, name: host.metadata.name } });
    return undefined;
  }
  const spec: NodeSpec = {
    name: nodeName,
    ...(site ? { site } : {}),
    bmc: { address: String(bmc.address) },
    properties: properties(d),
    inspect: d.inspect === true,
    target: d.image ? "active" : "available",
    digest: "",
  };
  const creds = obj(bmc.credentials);
  if (typeof creds.username === "string" && typeof creds.password === "string") spec.bmc.credentials = { username: creds.username, password: creds.password };
  const ref = obj(bmc.credentialsSecretRef);
  if (typeof ref.name === "string") spec.bmc.credentialsSecretRef = typeof ref.namespace === "string" ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
  if (bmc.disableCertificateVerification === true) spec.bmc.disableCertificateVerification = true;
  if (typeof d.bootMACAddress === "string") spec.bootMACAddress = d.bootMACAddress.toLowerCase();
  const image = obj(d.image);
  if (typeof image.url === "string" && typeof image.checksum === "string") {
    spec.image = { url: image.url, checksum: image.checksum };
    if (typeof image.checksumType === "string") spec.image.checksumType = image.checksumType;
  }
  const configDrive = configDriveOf(d);
  if (configDrive !== undefined) spec.configDrive = configDrive;
  // The password enters the digest only as its own hash, so a changed password is a change.
  const credentialHash = spec.bmc.credentials ? sha256(`${spec.bmc.credentials.username}\u0000${spec.bmc.credentials.password}`) : undefined;
  spec.digest = digestOf({ ...spec, digest: undefined, bmc: { ...spec.bmc, credentials: credentialHash } });
  return {
    kind: "node",
    id: `node/${nodeName}`,
    phase: BAREMETAL_PHASE,
    dependsOn: [],
    digest: spec.digest,
    origin: origin(host),
    secretPaths: spec.bmc.credentials ? [".bmc.credentials.password"] : [],
    spec,
  };
}

function properties(d: { [k: string]: Json }): JsonObject {
  const props: JsonObject = {};
  const hints = obj(d.rootDeviceHints);
  const rootDevice: JsonObject = {};
  for (const [k, v] of Object.entries(hints)) rootDevice[ROOT_DEVICE_KEYS[k] ?? k] = v;
  if (Object.keys(rootDevice).length) props.root_device = rootDevice;
  if (d.bootMode === "UEFI" || d.bootMode === "UEFISecureBoot") props.capabilities = d.bootMode === "UEFI" ? "boot_mode:uefi" : "boot_mode:uefi,secure_boot:true";
  else if (d.bootMode === "legacy") props.capabilities = "boot_mode:bios";
  return props;
}

function configDriveOf(d: { [k: string]: Json }): JsonObject | undefined {
  if (d.configDrive && typeof d.configDrive === "object" && !Array.isArray(d.configDrive)) return d.configDrive;
  if (typeof d.userData === "string" || typeof d.networkData === "string") {
    const cd: JsonObject = {};
    if (typeof d.userData === "string") cd.user_data = d.userData;
    if (typeof d.networkData === "string") cd.network_data = JSON.parse(d.networkData) as Json;
    return cd;
  }
  return undefined;
}
