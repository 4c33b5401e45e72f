import { defineConfig } from 'vitest/config';
import { TEST_OWNERSHIP_KEYS } from './test/support/ownership.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // localcloud servers bind ephemeral ports, so files can run in parallel safely.
    pool: 'forks',
    // What the functions and the CLI prove sessions with (s.yaml passes it to the functions from this environment).
    env: { AUTOMIRROR_OWNERSHIP_KEYS: TEST_OWNERSHIP_KEYS },
  },
});
