import { defineConfig } from 'vitest/config';

// The pure core's unit tests, for `npm run mutate` (Stryker): no localcloud, no SDK, no network, each file in well
// under a second. Only these run against each mutant of the files stryker.config.mjs mutates.
export default defineConfig({
  test: {
    include: [
      'test/engine/plan.test.ts',
      'test/engine/plan-*.test.ts',
      'test/engine/ownership.test.ts',
      'test/engine/placement.test.ts',
      'test/engine/priority.test.ts',
      'test/policy/evaluate.test.ts',
      'test/policy/evaluate-*.test.ts',
      'test/policy/load.test.ts',
      'test/policy/load-*.test.ts',
      'test/policy/readme.test.ts',
      'test/policy/selector.test.ts',
      'test/policy/session-name.test.ts',
    ],
    pool: 'threads',
  },
});
