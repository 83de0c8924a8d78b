import { defineConfig } from 'vitest/config'

// `npm run test:reliability`: the suites that try to break a running Clientele (crashes, races,
// fuzzing, the auth matrix). Minutes, not seconds: kept out of `npm test`, run by .ci/run after it.
export default defineConfig({
  test: {
    include: ['test/reliability/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts', './test/helpers/reliability-reporter.ts'],
    // Two files at a time even on two cores: the crash suite mostly waits on its child servers.
    maxWorkers: 2,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
})
