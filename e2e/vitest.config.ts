import { defineConfig } from 'vitest/config';

// End-to-end tests: real Kubernetes (kube-apiserver + kwok nodes), real Helm, real
// Ironic, brought up by e2e/infra.sh. Files run one at a time: they share one cluster.
// Run with `npm run test:e2e` (which brings the infra up first) or, when it is up,
// `npx vitest run --config e2e/vitest.config.ts`.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    root: new URL('..', import.meta.url).pathname,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
  },
});
