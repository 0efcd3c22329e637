// The Ironic driver: the real one over REST, and an in-memory fake beside it.
export { createIronicDriver, type IronicDriverOptions } from "./driver.js";
export { createFakeIronicDriver, type FakeIronicDriver } from "./fake.js";
export { bmcDriver, BmcAddressError, type BmcDriver, type BmcInterfaces, SUPPORTED_SCHEMES } from "./bmc.js";
export { createIronicClient, IronicError, type IronicClient, type IronicClientOptions, type RetryPolicy } from "./client.js";
export { FEATURES, MAX_KNOWN_MINOR, MIN_MINOR } from "./version.js";
export type { CredentialResolver } from "./reconcile.js";
