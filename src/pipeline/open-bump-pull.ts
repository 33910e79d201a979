import { RunStopError } from '../shared/run-control.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { TemplateResult } from './template-result.js'
import type { LookUp } from './look-up.js'
import type { PipelineContext } from './pipeline-context.js'

/**
 * Check mode: a template that lags but has the action's bump pull request for this version open
 * is on its way, not one to push to: the result says so, with the pull request. One request,
 * for lagging templates only; a look-up that fails leaves the verdict as it was.
 */
export async function withOpenBumpPull(
  lagging: TemplateResult,
  repo: NonNullable<LookUp['repo']>,
  ctx: Pick<PipelineContext, 'settings' | 'api'>,
  call: CallOptions
): Promise<TemplateResult> {
  const { settings } = ctx
  const base = settings.branch || repo.defaultBranch
  try {
    const pull = await ctx.api.pulls.findOpen(repo.owner, repo.name, settings.pr.branch, base, call)
    if (!pull) return lagging
    call.log?.(`pull request #${pull.number} from ${settings.pr.branch} is open: the pin is on its way`)
    return {
      ...lagging,
      reason: `${lagging.reason}; pull request #${pull.number} for ${settings.version} is open`,
      pullRequest: { number: pull.number, url: pull.url }
    }
  } catch (error) {
    if (error instanceof RunStopError) throw error
    call.log?.(`could not look for an open pull request: ${(error as Error).message}`)
    return lagging
  }
}
