import { describeCounts, STATUS_WORDS } from './counts.js'
import { advice, failuresByKind, type FailureKind } from './failure-advice.js'
import type { SummaryContext } from './summary-context.js'
import { COLUMNS, showsBuilds, tableOrder } from './table-rows.js'
import type { Status, TemplateResult } from '../pipeline/template-result.js'

const FAILURE_HEADING: Record<FailureKind, string> = {
  transient: 'A re-run may fix',
  'protected-branch': 'Protected branch',
  'no-access': 'No write access',
  'not-installed': 'GitHub App not installed',
  'not-found': 'Not found',
  'version-prefix': 'Version prefix differs',
  downgrade: 'Refused by downgrade: fail',
  signing: 'Could only land unsigned',
  other: 'Needs a change first'
}

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

/** Past this many rows, unchanged, current and skipped templates are counted, not listed row by row. */
export const ROWS_IN_FULL = 300
/** GitHub keeps at most 1 MiB of summary per step; stay well inside it. */
export const SUMMARY_LIMIT = 900 * 1024

/**
 * The job summary, for the operator who has to act on it: what failed comes first (then the
 * rest in input order), every name links to its repository, every commit to its page, every
 * pull request and build to itself. Reasons are short (the probed paths are said once, below);
 * counts are in words. A very long run stays readable and within the runner's size limit.
 */
export function renderMarkdown(ctx: SummaryContext, results: readonly TemplateResult[]): string {
  const ordered = tableOrder(results)
  const quiet = (r: TemplateResult) => r.status === 'unchanged' || r.status === 'skipped' || r.status === 'current'
  const folded = results.length > ROWS_IN_FULL ? ordered.filter(quiet) : []
  const rows = ordered.filter((r) => !folded.includes(r))
  const build = showsBuilds(ctx)
  const header = [...COLUMNS, ...(build ? ['Build'] : [])]
  const lines = [
    `## Runtime cascade: ${ctx.version}${ctx.mode === 'check' ? ' (check)' : ''}${ctx.dryRun ? ' (dry run)' : ''}`,
    '',
    describeCounts(results) || 'no templates',
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`
  ]
  const footer = footerLines(ctx, results, folded)
  let size = [...lines, ...footer].join('\n').length
  let shown = 0
  for (const r of rows) {
    const row = renderRow(ctx, r, build)
    if (size + row.length > SUMMARY_LIMIT) {
      lines.push(
        '',
        `… ${rows.length - shown} more rows left out to stay within the job summary's size limit: the \`results\` output has them all.`
      )
      break
    }
    lines.push(row)
    size += row.length + 1
    shown++
  }
  return `${[...lines, ...footer].join('\n')}\n`
}

/** What follows the table: the folded rows, what is said once, and what to do about each failure. */
function footerLines(ctx: SummaryContext, results: readonly TemplateResult[], folded: TemplateResult[]): string[] {
  const footer: string[] = []
  if (folded.length > 0) {
    footer.push('', `<details><summary>${describeCounts(folded)}: not listed above</summary>`, '')
    footer.push(
      folded.map((r) => `${link(ctx, r)} (${STATUS_WORDS[r.status]}: ${cell(short(r))})`).join(' · '),
      '',
      '</details>'
    )
  }
  if (results.some((r) => r.skip === 'no-workflow')) {
    footer.push('', `No publish-image.yml: looked for ${ctx.probePaths.map((p) => `\`${p}\``).join(', ')}.`)
  }
  const newer = results.filter((r) => r.skip === 'newer-pin').map((r) => r.template)
  if (newer.length > 0)
    footer.push(
      '',
      `**Newer pin kept** (${newer.join(' ')}): ${newer.length === 1 ? 'it pins' : 'they pin'} a newer version than ${ctx.version}, ` +
        `so \`downgrade: skip\` left ${newer.length === 1 ? 'it' : 'them'} as ${newer.length === 1 ? 'it is' : 'they are'}. To write ${ctx.version} anyway: \`downgrade: allow\`.`
    )
  const waited = results.filter((r) => r.slotWaitMs)
  if (ctx.maxBuildsInFlight) {
    const longest = Math.max(0, ...waited.map((r) => r.slotWaitMs ?? 0)) / 1000
    footer.push(
      '',
      `Build waves: at most ${ctx.maxBuildsInFlight} builds at once; ${waited.length} pin(s) waited for a slot` +
        (waited.length ? `, the longest ${longest.toFixed(1)} s.` : '.')
    )
  }
  // Check mode: the laggards to cascade to, as the log says, less those whose pull request is open.
  const toUpdate = results.filter((r) => r.status === 'lagging' && !r.pullRequest).map((r) => r.template)
  if (toUpdate.length > 0) footer.push('', 'Update them with:', '', '```', `templates: ${toUpdate.join(' ')}`, '```')
  for (const [kind, names] of failuresByKind(results)) {
    footer.push('', `**${FAILURE_HEADING[kind]}** (${names.join(' ')}): ${advice(kind, names.length, ctx.forge)}.`)
    if (kind === 'transient') footer.push('', '```', `templates: ${names.join(' ')}`, '```')
  }
  return footer
}

function renderRow(ctx: SummaryContext, r: TemplateResult, build: boolean): string {
  const repo = repoPath(r)
  const commit = r.commit && repo ? `[\`${r.commit.slice(0, 12)}\`](${ctx.serverUrl}/${repo}/commit/${r.commit})` : ''
  const consumer = r.consumer ? ` ⚠️ ${cell(r.consumer)}` : ''
  let details = cell(short(r))
  if (r.pullRequest) {
    // The reason names the pull request ("opened #3: ..."): that mention becomes the link.
    const pull = `[#${r.pullRequest.number}](${r.pullRequest.url})`
    const mention = `#${r.pullRequest.number}`
    details = details.includes(mention) ? details.replace(mention, pull) : `${pull} ${details}`
  }
  const cells = [
    link(ctx, r),
    `${ICON[r.status]} ${STATUS_WORDS[r.status]}`,
    cell(r.branch ?? ''),
    commit,
    String(r.attempts),
    `${details}${consumer}`
  ]
  if (build) cells.push(buildCell(ctx, r))
  return `| ${cells.join(' | ')} |`
}

function buildCell(ctx: SummaryContext, r: TemplateResult): string {
  if (!r.build) return ''
  if (r.build.build === 'started') return `[${cell(r.build.status)}](${r.build.url})`
  if (r.build.build === 'not-started') return `❌ none within ${ctx.verifyTimeoutSeconds} s`
  return `❔ ${cell(r.build.reason)}`
}

/** owner/repo of a result, or null for a source that was never listed (org:x). */
function repoPath(r: TemplateResult): string | null {
  const name = r.renamedTo ?? r.template
  return /^[^/:]+\/[^/]+$/.test(name) ? name : null
}

function link(ctx: SummaryContext, r: TemplateResult): string {
  const repo = r.repositoryMissing ? null : repoPath(r)
  return repo ? `[${cell(r.template)}](${ctx.serverUrl}/${repo})` : cell(r.template)
}

/** The reason as the table shows it: what is said once below the table is not repeated per row. */
function short(r: TemplateResult): string {
  return r.skip === 'no-workflow' ? 'no publish-image.yml' : r.reason
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}
