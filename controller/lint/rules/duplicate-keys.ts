// S003: a mapping repeats a key. PyYAML (and so Deckhand and Pegleg) accepts it and keeps the
// last value, and so does Slipway; the warning names both lines, since the first value is
// silently lost.
import type { Rule } from '../model.js';

export const DUPLICATE_KEY_PROBLEM = 'DuplicateMappingKey';

export const duplicateMappingKey: Rule = {
  code: 'S003',
  description: 'A mapping has the same key twice (PyYAML keeps the last value)',
  severity: 'warning',
  check: (repo) =>
    repo.files.flatMap((f) =>
      f.parseProblems
        .filter((p) => p.code === DUPLICATE_KEY_PROBLEM)
        .map((p) => ({ ...p, code: 'S003', message: `${f.rel}: ${p.message}` })),
    ),
};
