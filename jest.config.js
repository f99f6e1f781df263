/** Two projects: pure unit tests start nothing; integration tests share servers started once in globalSetup. */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/domain/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: '<rootDir>/test/support/logs-on-failure.environment.ts',
      transform,
      testMatch: ['<rootDir>/test/{workflows,api,db,e2e,channels,security}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Real processes really stopped (worker, API, PostgreSQL, Temporal); shares the integration stack when both run.
      displayName: 'resilience',
      testEnvironment: '<rootDir>/test/support/logs-on-failure.environment.ts',
      setupFilesAfterEnv: ['<rootDir>/test/resilience/support/long-timeout.ts'],
      transform,
      testMatch: ['<rootDir>/test/resilience/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
