// Jest test sequencer: the unit tests first (fast, no forge), then the in-process run() tests,
// then end to end, so a broken decision fails in seconds, before the slow suites start.
const Sequencer = require('@jest/test-sequencer').default

const RANK = ['/__tests__/unit/', '/__tests__/in-process/', '/__tests__/e2e/']
const rank = (path) => {
  const i = RANK.findIndex((part) => path.includes(part))
  return i < 0 ? RANK.length : i
}

class LayeredSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path))
  }
}

module.exports = LayeredSequencer
