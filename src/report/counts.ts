import type { Status, TemplateResult } from '../pipeline/template-result.js'

/** Each status in plain words, as the summary's table shows it. */
export const STATUS_WORDS: Record<Status, string> = {
  updated: 'updated',
  'pr-opened': 'pull request opened',
  'pr-exists': 'pull request already open',
  'would-update': 'would update',
  current: 'current',
  lagging: 'lagging',
  unchanged: 'unchanged',
  skipped: 'skipped',
  failed: 'failed'
}

const ORDER: Status[] = [
  'updated',
  'pr-opened',
  'pr-exists',
  'would-update',
  'current',
  'lagging',
  'unchanged',
  'skipped',
  'failed'
]

/** How many of each, in plain words: "2 updated, 1 pull request opened, 1 failed". */
export function describeCounts(results: readonly TemplateResult[]): string {
  const phrase = (status: Status, n: number): string => {
    if (status === 'pr-opened') return `${n} pull request${n === 1 ? '' : 's'} opened`
    if (status === 'pr-exists') return `${n} pull request${n === 1 ? '' : 's'} already open`
    if (status === 'would-update') return `${n} would be updated`
    return `${n} ${STATUS_WORDS[status]}`
  }
  return ORDER.map((status) => [status, results.filter((r) => r.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => phrase(status, n))
    .join(', ')
}
