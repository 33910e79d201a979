// Jest reporter: writes "N passed, N failed" to $TEST_TOTALS_FILE (when set), so .ci/run can print
// the totals as its last line after the dist, type and lint checks have run.
const { writeFileSync } = require('node:fs')

class TotalsReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites
    const line = `${results.numPassedTests} passed, ${failed} failed`
    if (process.env.TEST_TOTALS_FILE) writeFileSync(process.env.TEST_TOTALS_FILE, `${line}\n`)
  }
}

module.exports = TotalsReporter
