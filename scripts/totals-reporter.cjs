// Jest reporter: writes "N passed, N failed" to $TEST_TOTALS_FILE (when set), so .ci/run can print
// the totals as its last line after the dist, type and lint checks have run. It also sets up the
// spec check's figures (SPEC_CHECK_DIR, where each test forge adds what it checked: see
// test-support/spec-check) and prints their sum at the end.
const { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

class TotalsReporter {
  constructor() {
    // Set before jest starts its workers, which inherit it.
    this.specDir = mkdtempSync(join(tmpdir(), 'spec-check-'))
    process.env.SPEC_CHECK_DIR = this.specDir
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites
    const line = `${results.numPassedTests} passed, ${failed} failed`
    console.log(this.specFigures())
    rmSync(this.specDir, { recursive: true, force: true })
    if (process.env.TEST_TOTALS_FILE) writeFileSync(process.env.TEST_TOTALS_FILE, `${line}\n`)
  }

  /** "spec check: N exchanges checked against the forges' descriptions (per flavour), M mismatches". */
  specFigures() {
    const per = new Map()
    let mismatches = 0
    for (const file of readdirSync(this.specDir)) {
      for (const text of readFileSync(join(this.specDir, file), 'utf8').split('\n').filter(Boolean)) {
        const { flavour, checked, mismatches: m } = JSON.parse(text)
        per.set(flavour, (per.get(flavour) ?? 0) + checked)
        mismatches += m
      }
    }
    const total = [...per.values()].reduce((a, b) => a + b, 0)
    const detail = [...per.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([f, n]) => `${f} ${n}`)
      .join(', ')
    return `spec check: ${total} exchanges checked against the forges' own descriptions (${detail}), ${mismatches} mismatches`
  }
}

module.exports = TotalsReporter
