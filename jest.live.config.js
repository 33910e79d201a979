// npm run test:live: the shared scenarios against a live forge (docs/live-forges.md). One at a
// time, with room for a real runner's builds; no coverage (the action runs in child processes).
import base from './jest.config.js'

export default {
  ...base,
  roots: ['<rootDir>/__tests__/live'],
  testPathIgnorePatterns: [],
  maxWorkers: 1,
  testTimeout: 600000,
  collectCoverage: false,
  testSequencer: undefined,
  reporters: ['default']
}
