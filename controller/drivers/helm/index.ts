// The Helm driver: the helm binary through execa for actions, Helm's release Secrets for
// observation, and a fake beside it for unit tests. The recovery policy is the diff's
// (../../diff/release-recovery.ts): the driver only runs what was decided.

export type {
  HelmAction,
  HelmDriver,
  HelmResult,
  ObservedRelease,
  ReleaseSpec,
  ReleaseStatus,
  WaitSpec,
} from '../types.js';
export { DIGEST_LABEL, digestLabelValue, digestMatches } from './digest-label.js';
export { createHelmDriver, type HelmDriverOptions } from './driver.js';
export {
  createFakeHelmDriver,
  type FakeFailure,
  type FakeHelmCall,
  type FakeHelmDriver,
  type FakeRevision,
} from './fake.js';
export { createReleaseObserver, type ReleaseObserver } from './observer.js';
export {
  decodeReleasePayload,
  latestReleases,
  type RevisionRecord,
  revisionFromSecret,
  type StoredRelease,
} from './release-secret.js';
export { type HelmOptions, NO_EXIT_CODE } from './run.js';
