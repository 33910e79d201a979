import { counts } from './outputs.js'
import type { Status, TemplateResult } from './results.js'

const ICON: Record<Status, string> = {
  updated: '✅',
  'would-update': '📝',
  'pr-opened': '🔀',
  'pr-exists': '🔀',
  unchanged: '➖',
  skipped: '⏭️',
  failed: '❌',
  current: '✅',
  lagging: '⏳'
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** Markdown for the job summary (GITHUB_STEP_SUMMARY). */
export function renderMarkdown(version: string, results: readonly TemplateResult[], dryRun: boolean): string {
  const rows = results.map((r) => {
    const link = r.pullRequest ? `[#${r.pullRequest.number}](${r.pullRequest.url}) ` : ''
    const consumer = r.consumer ? ` ⚠️ ${cell(r.consumer)}` : ''
    return `| ${cell(r.template)} | ${ICON[r.status]} ${r.status} | ${cell(r.branch ?? '')} | ${r.commit ? `\`${r.commit.slice(0, 12)}\`` : ''} | ${r.attempts} | ${link}${cell(r.reason)}${consumer} |`
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
