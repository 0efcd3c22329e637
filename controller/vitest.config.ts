import { defineConfig } from 'vitest/config';

// Unit tests: pure stages and drivers against their fakes. No network, no cluster.
export default defineConfig({
  test: {
    include: ['controller/**/*.test.ts'],
    root: new URL('..', import.meta.url).pathname,
    testTimeout: 20_000,
  },
});
