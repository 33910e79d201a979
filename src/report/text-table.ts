import type { TemplateResult } from './results.js'

/** The same table as plain text, for the log (Gitea renders step summaries only from 1.27). */
export function renderText(results: readonly TemplateResult[]): string {
  const header = ['TEMPLATE', 'STATUS', 'BRANCH', 'COMMIT', 'PUSHES', 'DETAIL']
  const rows = results.map((r) => [
    r.template,
    r.status,
    r.branch ?? '-',
    r.commit ? r.commit.slice(0, 12) : '-',
    String(r.attempts),
    r.reason
  ])
  const widths = header.slice(0, 5).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (row: string[]) =>
    row
      .map((value, i) => (i < 5 ? value.padEnd(widths[i]) : value))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}
