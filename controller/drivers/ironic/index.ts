// The Ironic driver: the real one over REST, and an in-memory fake beside it.

export { BmcAddressError, type BmcDriver, type BmcInterfaces, bmcDriver, SUPPORTED_SCHEMES } from './bmc.js';
export {
  createIronicClient,
  type IronicClient,
  type IronicClientOptions,
  IronicError,
  type RetryPolicy,
} from './client.js';
export { createIronicDriver, type IronicDriverOptions } from './driver.js';
export { createFakeIronicDriver, type FakeIronicDriver } from './fake.js';
export type { CredentialResolver } from './reconcile.js';
export { FEATURES, MAX_KNOWN_MINOR, MIN_MINOR } from './version.js';
