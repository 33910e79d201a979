// ESM + ts-jest: .ts sources are ESM (package.json "type": "module"), relative imports carry
// a .js suffix (NodeNext), which the mapper strips so jest finds the .ts file.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // The live suite needs a running forge: npm run test:live, never npm test.
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/live/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testTimeout: 60000,
  // Two workers on this 2-core machine: end-to-end tests spend much of their time waiting
  // (latency, backoff, deadlines), and the other worker uses that time.
  maxWorkers: 2,
  testSequencer: '<rootDir>/scripts/test-sequencer.cjs',
  // Coverage of src/ from the tests that run it in process (unit and in-process); the end-to-end
  // tests run the bundle in child processes, which are not counted.
  collectCoverage: true,
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/index.ts'],
  coverageProvider: 'v8',
  coverageReporters: ['json-summary'],
  reporters: ['default', ['<rootDir>/scripts/totals-reporter.cjs', {}]]
}
