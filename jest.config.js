// One command runs every project: unit (pure code), integration (a real Docker engine),
// e2e (the bundled dist/ under Node 24 against a fake GitHub API).
const common = {
  preset: 'ts-jest',
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  clearMocks: true,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true }] }
}

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts']
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] }
  ],
  testTimeout: 120000,
  // `npm test` and `npm run test:unit` pass --coverage: the orchestration (main.ts and
  // src/action/) is measured, as the layer that only the bundle's e2e tests reached before.
  // Only these files are instrumented, so the runs stay as fast.
  collectCoverageFrom: ['<rootDir>/src/main.ts', '<rootDir>/src/action/**/*.ts'],
  coverageReporters: ['text'],
  reporters: ['default', '<rootDir>/__tests__/support/engine-reporter.cjs']
}
