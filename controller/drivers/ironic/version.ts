// Ironic API microversions: what Slipway knows, what it needs, and which features are
// gated on which version. Ironic's major version is always 1; we keep the minor number.

/** The oldest microversion Slipway supports: Ironic 21.4 (2023.1 "Antelope"), API 1.82. */
export const MIN_MINOR = 82;
/** The newest microversion Slipway was written against; never request more than this. */
export const MAX_KNOWN_MINOR = 110;

/**
 * Features used only when the negotiated version allows them. Everything else Slipway
 * uses is well below 1.82: `fields` selection (1.8), the `enroll` state (1.11), node
 * interface fields (1.31), inspection_finished_at and `inspect wait` (1.39), configdrive
 * as a JSON object (1.56).
 */
export const FEATURES = {
  /** `unhold` verb for nodes in `clean hold` / `deploy hold` / `service hold`. */
  unhold: 85,
  /** Ports carry a `name`: Slipway names the boot port `<node>-boot`. */
  portName: 88,
  /** Ironic returns `X-OpenStack-Request-Id`; quoted in error messages. */
  requestId: 107,
  /** `abort` is accepted in `wait call-back` (DEPLOYWAIT): used by remove(). */
  deployWaitAbort: 110,
} as const;

export type Feature = keyof typeof FEATURES;

/** Parse "1.82" → 82; undefined for anything that is not a 1.x microversion. */
export function parseMinor(version: string | undefined): number | undefined {
  const m = /^1\.(\d+)$/.exec(version?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

export function formatVersion(minor: number): string {
  return `1.${minor}`;
}

/**
 * The version to send: min(our highest known, the server's max, an optional cap).
 * Throws when the server (or the cap) is older than MIN_MINOR.
 */
export function negotiate(serverMax: string | undefined, cap?: string): number {
  const max = parseMinor(serverMax);
  if (max === undefined) {
    throw new Error(`Ironic did not report a usable API version (got ${JSON.stringify(serverMax ?? null)})`);
  }
  const capMinor = cap === undefined ? MAX_KNOWN_MINOR : parseMinor(cap);
  if (capMinor === undefined) throw new Error(`invalid API version cap ${JSON.stringify(cap)}`);
  const chosen = Math.min(MAX_KNOWN_MINOR, max, capMinor);
  if (chosen < MIN_MINOR) {
    throw new Error(
      `Ironic API ${formatVersion(chosen)} is older than ${formatVersion(MIN_MINOR)} (Ironic 21.4), the oldest Slipway supports`,
    );
  }
  return chosen;
}

export function supports(minor: number, feature: Feature): boolean {
  return minor >= FEATURES[feature];
}
