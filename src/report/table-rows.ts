import type { SummaryContext } from './summary-context.js'
import type { TemplateResult } from '../pipeline/template-result.js'

/**
 * The one order and the one set of columns for the results table, shared by the job summary
 * and the plain-text table in the log (Gitea renders step summaries only from 1.27: before that
 * the log is all its operators see): failed templates first, then the rest in input order;
 * the build column only where builds were verified.
 */
export function tableOrder(results: readonly TemplateResult[]): TemplateResult[] {
  return [...results.filter((r) => r.status === 'failed'), ...results.filter((r) => r.status !== 'failed')]
}

export function showsBuilds(ctx: Pick<SummaryContext, 'verifyBuild' | 'mode'>): boolean {
  return ctx.verifyBuild && ctx.mode === 'push'
}

export const COLUMNS = ['Template', 'Status', 'Branch', 'Commit', 'Writes', 'Details'] as const

/** A build in words, for either table: the run's status, none within the deadline, or why not known. */
export function buildWords(ctx: Pick<SummaryContext, 'verifyTimeoutSeconds'>, r: TemplateResult): string {
  if (!r.build) return ''
  if (r.build.build === 'started') return r.build.status
  if (r.build.build === 'not-started') return `none within ${ctx.verifyTimeoutSeconds} s`
  return `unknown: ${r.build.reason}`
}
