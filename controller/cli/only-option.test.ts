import { describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { onlyFrom } from './only-option.js';

describe('--only', () => {
  it('takes nodes or releases, and nothing when absent', () => {
    expect(onlyFrom({})).toBeUndefined();
    expect(onlyFrom({ only: 'nodes' })).toBe('nodes');
    expect(onlyFrom({ only: 'releases', prune: false })).toBe('releases');
  });

  it('refuses another part, and --prune with it (that would remove the part left out)', () => {
    expect(() => onlyFrom({ only: 'charts' })).toThrow(UsageError);
    expect(() => onlyFrom({ only: 'charts' })).toThrow("--only must be one of nodes, releases, not 'charts'");
    expect(() => onlyFrom({ only: 'nodes', prune: true })).toThrow(
      '--prune cannot be combined with --only nodes: it would remove every release the plan leaves out',
    );
  });
});
