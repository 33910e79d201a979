import type { Status, TemplateResult } from './results.js'

/** The action's outputs, from the results in input order. */
export function buildOutputs(results: readonly TemplateResult[]): Record<string, string> {
  const names = (status: Status) =>
    results
      .filter((r) => r.status === status)
      .map((r) => r.template)
      .join(' ')
  return {
    'failed-templates': names('failed'),
    'updated-templates': names('updated'),
    'unchanged-templates': names('unchanged'),
    'skipped-templates': names('skipped'),
    // Exactly the documented fields, whatever the results carry internally.
    results: JSON.stringify(
      results.map(({ template, status, reason, commit, branch, attempts }) => ({
        template,
        status,
        reason,
        commit,
        branch,
        attempts
      }))
    ),
    'pull-requests': JSON.stringify(
      results
        .filter((r) => r.pullRequest)
        .map((r) => ({ template: r.template, number: r.pullRequest!.number, url: r.pullRequest!.url }))
    )
  }
}

export function counts(results: readonly TemplateResult[]): string {
  const order: Status[] = ['updated', 'pr-opened', 'pr-exists', 'would-update', 'unchanged', 'skipped', 'failed']
  return order
    .map((status) => [status, results.filter((r) => r.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
}

const ICON: Record<Status, string> = {
  updated: '✅',
  'would-update': '📝',
  'pr-opened': '🔀',
  'pr-exists': '🔀',
  unchanged: '➖',
  skipped: '⏭️',
  failed: '❌'
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** Markdown for the job summary (GITHUB_STEP_SUMMARY). */
export function renderMarkdown(version: string, results: readonly TemplateResult[], dryRun: boolean): string {
  const rows = results.map((r) => {
    const link = r.pullRequest ? `[#${r.pullRequest.number}](${r.pullRequest.url}) ` : ''
    return `| ${cell(r.template)} | ${ICON[r.status]} ${r.status} | ${cell(r.branch ?? '')} | ${r.commit ? `\`${r.commit.slice(0, 12)}\`` : ''} | ${r.attempts} | ${link}${cell(r.reason)} |`
  })
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.template)
  const lines = [
    `## Runtime cascade: ${version}${dryRun ? ' (dry run)' : ''}`,
    '',
    counts(results),
    '',
    '| Template | Status | Branch | Commit | Pushes | Detail |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows
  ]
  if (failed.length > 0) {
    lines.push('', 'Re-run only the failed templates with:', '', '```', `templates: ${failed.join(' ')}`, '```')
  }
  return `${lines.join('\n')}\n`
}

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
