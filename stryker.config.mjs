// @ts-check
/**
 * `npm run mutate`: mutation testing of the pure core (policy evaluation and validation, planning) against its unit
 * tests only (vitest.mutate.config.mts). Slow and CPU-bound, so it is not part of CI; it runs one worker at a time.
 * Scope a run while working on one file: `npm run mutate -- --mutate shared/engine/plan.ts`.
 * The score and the surviving mutants that are equivalent (and why) are listed in the README's Development section.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.mts' },
  coverageAnalysis: 'perTest',
  // The pure files: no I/O, no SDK. Left out: load.ts and source.ts (read files and the environment), types.ts
  // (types only), and the engine's I/O side (apply, observe, ensure, region scan and task, retry, clocks, limiter).
  mutate: [
    'shared/policy/conditions.ts',
    'shared/policy/document.ts',
    'shared/policy/evaluate.ts',
    'shared/policy/formats.ts',
    'shared/policy/operators.ts',
    'shared/policy/problems.ts',
    'shared/policy/schema.ts',
    'shared/policy/schema-*.ts',
    'shared/policy/selector.ts',
    'shared/policy/session-name.ts',
    'shared/policy/vni.ts',
    'shared/engine/desired.ts',
    'shared/engine/describe.ts',
    'shared/engine/ownership.ts',
    'shared/engine/placement.ts',
    'shared/engine/plan.ts',
    'shared/engine/priority.ts',
  ],
  // Only what the pure tests need is copied into the sandbox.
  ignorePatterns: ['/automirror-report', '/bench', '/cli', '/deploy', '/events', '/functions', '/localcloud', '/reports', '/scripts', '/worlds', '/dist', '/coverage'],
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 90, low: 80, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
