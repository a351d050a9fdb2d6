import { defineConfig } from 'vitest/config';

/** Browser end-to-end tests (npm run test:e2e): real server, real Chromium. Not part of npm test. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
