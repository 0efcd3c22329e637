// Every CEL rule the CRDs carry (`x-kubernetes-validations`), each beside a hand-written
// TypeScript equivalent, so the CLI and the controller reject what the API server rejects
// without a CEL interpreter. The rule text is what the API server runs; the function is
// what validate.ts runs. Unit tests check each pair on the same rows, and the e2e test
// (e2e/site-crd.test.ts) sends the invalid rows to a real API server.
//
// Keep the rules tiny: `has`, `size`, `matches`, `duration`, comparisons. Regular
// expressions avoid backslashes and classes that RE2 (CEL) and JavaScript read
// differently.

type Check = (self: unknown) => boolean;

/** A Go duration (time.ParseDuration) with a unit on every number: "30s", "5m", "1h30m", "1.5h". */
export const GO_DURATION_PATTERN = '^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$';
const GO_DURATION = new RegExp(GO_DURATION_PATTERN);
/** Git remote URLs: scheme://… or scp-like user@host:path (printable ASCII, no spaces). */
const GIT_URL_PATTERN = '^(https?|ssh|file)://[!-~]+$';
const SCP_URL_PATTERN = '^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:[!-~]+$';
const HTTP_URL_PATTERN = '^https?://[!-~]+$';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** CEL's has(self.f): the field is present. */
const has = (self: unknown, field: string): boolean =>
  isObject(self) && self[field] !== undefined && self[field] !== null;
const size = (v: unknown): number =>
  Array.isArray(v) ? v.length : typeof v === 'string' ? [...v].length : isObject(v) ? Object.keys(v).length : 0;
const count = (self: unknown, ...fields: string[]): number => fields.filter((f) => has(self, f)).length;
const matches = (v: unknown, pattern: string): boolean => typeof v === 'string' && new RegExp(pattern).test(v);

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_INT64 = 9_223_372_036_854_775_807n;

/**
 * Nanoseconds of a Go duration in the GO_DURATION_PATTERN form, or undefined when the text
 * is not in that form or overflows int64 (where Go's time.ParseDuration, and so CEL's
 * duration(), fail).
 */
export function goDurationNanos(text: string): bigint | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0n;
  for (const m of text.matchAll(/([0-9]+)(?:\.([0-9]+))?(ns|us|ms|s|m|h)/g)) {
    const unit = UNIT_NANOS[m[3]!]!;
    const frac = m[2] ?? '';
    total += BigInt(m[1]!) * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
    if (total > MAX_INT64) return undefined;
  }
  return total;
}

/** The rule texts, for the schemas (a typo is then a compile error, not an unknown rule). */
export const CEL = {
  exactlyOneSource: 'has(self.git) != has(self.inline)',
  exactlyOneGenerator: 'has(self.list) != has(self.git)',
  atMostOneRef: '(has(self.branch) ? 1 : 0) + (has(self.tag) ? 1 : 0) + (has(self.commit) ? 1 : 0) <= 1',
  exactlyOneWaveSize: '(has(self.selector) ? 1 : 0) + (has(self.count) ? 1 : 0) + (has(self.percent) ? 1 : 0) == 1',
  inlineNotEmpty:
    '(has(self.documents) && size(self.documents) > 0) || (has(self.configMapRefs) && size(self.configMapRefs) > 0)',
  positiveDuration: `self.matches('${GO_DURATION_PATTERN}') && duration(self) > duration('0s')`,
  gitUrl: `self.matches('${GIT_URL_PATTERN}') || self.matches('${SCP_URL_PATTERN}')`,
  httpUrl: `self.matches('${HTTP_URL_PATTERN}')`,
  noSiteName: '!has(self.siteName)',
  relativePath: "!self.startsWith('/') && !self.matches('(^|/)[.][.](/|$)')",
  selectorValues:
    "self.operator in ['In', 'NotIn'] ? (has(self.values) && size(self.values) > 0) : (!has(self.values) || size(self.values) == 0)",
} as const;

export type CelRuleName = keyof typeof CEL;

const field = (s: unknown, f: string): unknown => (isObject(s) ? s[f] : undefined);

/** The TypeScript equivalent of each rule, line for line. */
const CHECKS: Record<CelRuleName, Check> = {
  exactlyOneSource: (s) => has(s, 'git') !== has(s, 'inline'),
  exactlyOneGenerator: (s) => has(s, 'list') !== has(s, 'git'),
  atMostOneRef: (s) => count(s, 'branch', 'tag', 'commit') <= 1,
  exactlyOneWaveSize: (s) => count(s, 'selector', 'count', 'percent') === 1,
  inlineNotEmpty: (s) =>
    (has(s, 'documents') && size(field(s, 'documents')) > 0) ||
    (has(s, 'configMapRefs') && size(field(s, 'configMapRefs')) > 0),
  positiveDuration: (s) => typeof s === 'string' && (goDurationNanos(s) ?? 0n) > 0n,
  gitUrl: (s) => matches(s, GIT_URL_PATTERN) || matches(s, SCP_URL_PATTERN),
  httpUrl: (s) => matches(s, HTTP_URL_PATTERN),
  noSiteName: (s) => !has(s, 'siteName'),
  relativePath: (s) => typeof s === 'string' && !s.startsWith('/') && !/(^|\/)[.][.](\/|$)/.test(s),
  selectorValues: (s) =>
    field(s, 'operator') === 'In' || field(s, 'operator') === 'NotIn'
      ? has(s, 'values') && size(field(s, 'values')) > 0
      : !has(s, 'values') || size(field(s, 'values')) === 0,
};

const RULES = new Map<string, Check>((Object.keys(CEL) as CelRuleName[]).map((name) => [CEL[name], CHECKS[name]]));

/** The TypeScript equivalent of a CEL rule; throws when the rule has none (a programming error). */
export function celCheck(rule: string): Check {
  const check = RULES.get(rule);
  if (!check) throw new Error(`CEL rule without a TypeScript equivalent in cel-rules.ts: ${rule}`);
  return check;
}

/** Every registered rule text (for tests). */
export function celRuleTexts(): string[] {
  return [...RULES.keys()];
}
