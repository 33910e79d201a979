import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Flavour } from '../forge/flavours.js'
import type { SpecReport } from './check.js'

/**
 * One forge's figures, appended to SPEC_CHECK_DIR (one file per jest worker), where the
 * reporter (scripts/totals-reporter.cjs) adds them up for the run.
 */
export function recordSpecReport(flavour: Flavour, report: SpecReport): void {
  const dir = process.env.SPEC_CHECK_DIR
  if (!dir) return
  const line = { flavour, checked: report.checked, mismatches: report.mismatches.length }
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`)
}
