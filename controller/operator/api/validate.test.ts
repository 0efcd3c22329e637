import { describe, expect, it } from 'vitest';
import { FULL_SITE_STATUS, FULL_SITESET_STATUS } from './examples.js';
import { SITE_SPEC_CASES, SITESET_SPEC_CASES } from './spec-cases.js';
import {
  fieldPath,
  validateSiteSetSpec,
  validateSiteSetStatus,
  validateSiteSpec,
  validateSiteStatus,
} from './validate.js';

describe('validateSiteSpec', () => {
  it.each(SITE_SPEC_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(validateSiteSpec(c.spec)).toEqual(c.errors);
  });
});

describe('validateSiteSetSpec', () => {
  it.each(SITESET_SPEC_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(validateSiteSetSpec(c.spec)).toEqual(c.errors);
  });
});

describe('statuses', () => {
  it('accepts a status with every field', () => {
    expect(validateSiteStatus(FULL_SITE_STATUS)).toEqual([]);
    expect(validateSiteSetStatus(FULL_SITESET_STATUS)).toEqual([]);
    expect(validateSiteStatus({})).toEqual([]);
  });

  const ready = FULL_SITE_STATUS.conditions[0]!;
  const rows: [string, unknown, string[]][] = [
    [
      'six history entries',
      { history: Array(6).fill(FULL_SITE_STATUS.history[0]) },
      ['status.history: must have at most 5 items'],
    ],
    [
      'a reason with spaces',
      { conditions: [{ ...ready, reason: 'Not CamelCase' }] },
      ["status.conditions[0].reason: should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'"],
    ],
    [
      'two Ready conditions',
      { conditions: [ready, ready] },
      ['status.conditions[1]: Duplicate value: {"type":"Ready"}'],
    ],
    [
      'a condition without a time',
      { conditions: [{ ...ready, lastTransitionTime: undefined }] },
      ['status.conditions[0].lastTransitionTime: Required value'],
    ],
    [
      'a time that is not RFC 3339',
      { conditions: [{ ...ready, lastTransitionTime: 'yesterday' }] },
      ['status.conditions[0].lastTransitionTime: must be a valid date-time'],
    ],
    [
      'an unknown step state',
      { workflow: { ...FULL_SITE_STATUS.workflow, phases: [{ name: 'p', steps: [{ id: 's', state: 'Done' }] }] } },
      [
        'status.workflow.phases[0].steps[0].state: Unsupported value: supported values: "Pending", "Running", "Succeeded", "Unchanged", "Failed", "Skipped"',
      ],
    ],
    [
      'a summary that is not ready/total',
      { summary: { nodes: '2 of 3', releases: '1/1' } },
      ["status.summary.nodes: should match '^[0-9]+/[0-9]+$'"],
    ],
    [
      'a field the schema does not have (the API server would drop it)',
      { phase: 'Ready' },
      ['status.phase: unknown field'],
    ],
  ];
  it.each(rows)('rejects %s', (_name, status, errors) => {
    expect(validateSiteStatus(status)).toEqual(errors);
  });

  it('rejects a SiteSet status with two entries for one Site', () => {
    const site = FULL_SITESET_STATUS.sites[0]!;
    expect(validateSiteSetStatus({ sites: [site, { ...site, wave: 1 }] })).toEqual([
      'status.sites[1]: Duplicate value: {"name":"fleet-edge-01"}',
    ]);
  });
});

describe('fieldPath', () => {
  it.each([
    ['', 'spec'],
    ['/source/git', 'spec.source.git'],
    ['/source/inline/documents/0', 'spec.source.inline.documents[0]'],
    ['/template/metadata/labels/a~1b', 'spec.template.metadata.labels.a/b'],
  ])('%s', (pointer, path) => {
    expect(fieldPath('spec', pointer)).toBe(path);
  });
});
