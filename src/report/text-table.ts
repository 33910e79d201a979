import { STATUS_WORDS } from './counts.js'
import type { TemplateResult } from '../pipeline/template-result.js'
import type { SummaryContext } from './summary-context.js'
import { buildWords, COLUMNS, showsBuilds, tableOrder } from './table-rows.js'

/**
 * The summary's table as plain text, for the log: the same rows in the same order, the same
 * columns (and the build column where the summary has one), the consumer warning in the
 * details, as the summary shows it.
 */
export function renderText(ctx: SummaryContext, results: readonly TemplateResult[]): string {
  const builds = showsBuilds(ctx)
  const header = [...COLUMNS, ...(builds ? ['Build'] : [])].map((h) => h.toUpperCase())
  const rows = tableOrder(results).map((r) => {
    const details = r.consumer ? `${r.reason}; ⚠ ${r.consumer}` : r.reason
    const cells = [
      r.template,
      STATUS_WORDS[r.status],
      r.branch ?? '-',
      r.commit ? r.commit.slice(0, 12) : '-',
      String(r.attempts),
      details
    ]
    return builds ? [...cells, buildWords(ctx, r) || '-'] : cells
  })
  const head = header
  const last = head.length - 1
  const widths = head.slice(0, last).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (row: string[]) =>
    row
      .map((value, i) => (i < last ? value.padEnd(widths[i]) : value))
      .join('  ')
      .trimEnd()
  return [line(head), ...rows.map(line)].join('\n')
}
