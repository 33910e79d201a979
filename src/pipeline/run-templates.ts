import type { TemplateRef } from '../inputs/template-list.js'
import { MAY_HAVE_LANDED } from '../landing/lander.js'
import { runPool } from '../shared/pool.js'
import type { Redactor } from '../shared/redact.js'
import { withBuilds } from './build-verdict.js'
import { OrderedGroups } from './ordered-groups.js'
import { foldSameRepository } from './repo-claims.js'
import { TemplateLog } from './template-log.js'
import { processTemplate } from './template-pipeline.js'
import type { PipelineContext } from './pipeline-context.js'
import type { TemplateResult } from './template-result.js'

/**
 * Every template through the bounded pool, each one's log printed as one group in the order
 * of the list; then the builds still being looked for, and the final results, one per
 * repository (two names of one repository folded into one).
 */
export async function runTemplates(
  templates: TemplateRef[],
  ctx: PipelineContext,
  redactor: Redactor
): Promise<TemplateResult[]> {
  const awaitingBuild = new Map<string, TemplateLog>()
  const groups = new OrderedGroups()
  const results = await runPool(templates, ctx.settings.concurrency, async (ref) => {
    const log = new TemplateLog(ref.fullName, redactor)
    const outcome = finalOutcome(await processTemplate(ref, ctx, log.line), ctx, redactor)
    // Templates never started (or cut off) have no log worth a group of its own. Under
    // verify-build: require a pin's status waits for its build: its group header says the
    // final one, so it is printed once that is known.
    const quiet = outcome.cut !== undefined
    const awaited = !quiet && outcome.pendingBuild !== undefined && ctx.settings.verifyBuild === 'require'
    if (awaited) awaitingBuild.set(outcome.template, log)
    groups.done(templates.indexOf(ref), quiet || awaited ? null : () => log.flush(outcome))
    return outcome
  })
  // The builds were looked for while templates were pinned; the last ones finish here.
  await ctx.builds?.finish()
  const final = await withBuilds(foldSameRepository(results), ctx.settings.verifyBuild)
  for (const r of final) awaitingBuild.get(r.template)?.flush(r)
  return final
}

/** A template cut short by the cancel says so, whatever its last request saw; and no secret in its reason. */
function finalOutcome(outcome: TemplateResult, ctx: PipelineContext, redactor: Redactor): TemplateResult {
  let done = outcome
  if (ctx.control.cancelled && done.status === 'failed' && !done.cut) {
    const reason = done.reason === MAY_HAVE_LANDED ? MAY_HAVE_LANDED : 'cancelled'
    done = { ...done, reason, failure: 'transient', cut: 'cancelled' }
  }
  return { ...done, reason: redactor.redact(done.reason) }
}
