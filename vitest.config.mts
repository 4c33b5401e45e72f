import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // localcloud servers bind ephemeral ports, so files can run in parallel safely.
    pool: 'forks',
    // The ownership keys the functions and the CLI prove sessions with, in every worker's environment.
    setupFiles: ['test/support/ownership-env.ts'],
  },
});
