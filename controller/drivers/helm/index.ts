// The Helm driver: the helm binary through execa for actions, Helm's release Secrets for
// observation, a fake beside it for unit tests, and the recovery policy.
export { createHelmDriver, type HelmDriverOptions } from "./driver.js";
export { createFakeHelmDriver, type FakeHelmCall, type FakeFailure, type FakeHelmDriver, type FakeRevision } from "./fake.js";
export { DIGEST_LABEL, digestLabelValue, digestMatches } from "./digest-label.js";
export { createReleaseObserver, type ReleaseObserver } from "./observer.js";
export { decodeReleasePayload, latestReleases, revisionFromSecret, type RevisionRecord, type StoredRelease } from "./release-secret.js";
export { ageSeconds, isPending, recoverFailedRun, recoverObserved, type FailedRunInput, type Recovery, type RecoveryPolicy } from "./recovery.js";
export { NO_EXIT_CODE, type HelmOptions } from "./run.js";
export type { HelmAction, HelmDriver, HelmResult, ObservedRelease, ReleaseSpec, ReleaseStatus, WaitSpec } from "../types.js";
