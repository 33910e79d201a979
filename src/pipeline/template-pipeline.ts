import { ApiError } from '../forge/api-error.js'
import { CancelledError, ForgeFailingError, RateLimitStopError, RunStopError } from '../shared/run-control.js'
import type { CallOptions } from '../forge/forge-client.js'
import { RequestBoundError, RequestBudget } from '../forge/request-budget.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { Settings } from '../inputs/settings.js'
import type { TemplateRef } from '../inputs/template-list.js'
import type { Lander, LandRequest } from '../landing/lander.js'
import { judgePins } from '../pins/pin-judgement.js'
import { templateReading } from '../pins/pin-text.js'
import type { FailureKind } from '../shared/failure-kind.js'
import { result, type TemplateResult } from './template-result.js'
import { API_ATTEMPTS } from '../shared/retry-policy.js'
import { lookUp, type LookUp } from './look-up.js'
import { decide, type Decided } from './decide.js'
import { landedResult, watchBuild } from './landed-result.js'
import { closedAnswer, lookUpPulls, pullRequestStep } from './pull-request-step.js'
import type { PriorPulls } from '../pulls/bump-pulls.js'
import { withOpenBumpPull } from './open-bump-pull.js'
import type { Log } from '../shared/log.js'
import type { PipelineContext } from './pipeline-context.js'

const NO_PULLS: PriorPulls = { open: null, closed: null, others: [] }

/**
 * One template, start to finish, as named steps: look up (one API round trip), decide
 * (failed, skipped, unchanged, or pins to land), land, open the pull request (pull-request
 * mode), watch the build (verify-build), and the result. Every failure becomes this template's
 * result; one that stops the run (RunStopError) also tells `control`, so no further template
 * starts.
 */
export async function processTemplate(ref: TemplateRef, ctx: PipelineContext, log: Log): Promise<TemplateResult> {
  const stopped = ctx.control.stopped
  if (stopped) return stoppedResult(ref, stopped)
  const call: CallOptions = {
    group: new RetryGroup(API_ATTEMPTS - 1),
    subject: ref.fullName,
    owner: ref.owner,
    budget: new RequestBudget(),
    log
  }
  try {
    log(`looking up ${ref.fullName}${ctx.settings.branch ? ` (branch ${ctx.settings.branch})` : ''}`)
    const seen = ctx.ahead?.take(ref) ?? (await lookUp(ctx.api, ref, ctx.settings, call))
    const decided = decide(seen, ctx.settings, ref.fullName, ctx.claims, log)
    if ('status' in decided) return await finished(decided, seen, ctx, call)
    const prior = ctx.settings.mode === 'pull-request' ? await lookUpPulls(decided, ctx, call) : NO_PULLS
    const closed = closedAnswer(prior, decided, ctx)
    if (closed) return await finished(closed, seen, ctx, call)
    const landing = await paced(ctx, decided, log, () =>
      ctx.lander.land(landRequest(decided, seen, ctx.settings, call))
    )
    if (landing === null) return stoppedResult(ref, new CancelledError('a build slot'), true)
    const landed = landedResult(landing, decided, ctx.settings, landing.waitedMs)
    const pulled = await pullRequestStep(landed, landing, decided, prior, ctx, call)
    return await finished(watchBuild(pulled, decided, ctx.builds), seen, ctx, call)
  } catch (error) {
    if (error instanceof RunStopError) {
      ctx.control.stop(error)
      return stoppedResult(ref, error, true)
    }
    const transient = error instanceof ApiError && error.transient
    const message =
      error instanceof ApiError || error instanceof RequestBoundError
        ? error.message
        : `unexpected error: ${(error as Error).message}`
    const failure =
      error instanceof ApiError && error.notInstalled ? 'not-installed' : transient ? 'transient' : 'other'
    return result(ref.fullName, 'failed', message, { failure })
  }
}

/**
 * The landing inside a build slot (push mode, not a dry run): held until the pushed commit's build
 * completes, given back at once when nothing was pushed. null: cancelled while waiting.
 */
async function paced<T extends Awaited<ReturnType<Lander['land']>>>(
  ctx: PipelineContext,
  c: Extract<Decided, { verdict: unknown }>,
  log: Log,
  land: () => Promise<T>
): Promise<(T & { waitedMs?: number }) | null> {
  const pacing = ctx.settings.mode === 'push' && !ctx.settings.dryRun ? ctx.pacing : undefined
  if (!pacing) return land()
  const waitedMs = await pacing.slot(log)
  if (waitedMs === null) return null
  let pushed = false
  try {
    const landing = await land()
    if (landing.kind === 'landed' && landing.commit) {
      pacing.track(c.repo.owner, c.repo.name, landing.commit, c.workflow)
      pushed = true
    }
    return waitedMs > 0 ? { ...landing, waitedMs } : landing
  } finally {
    if (!pushed) pacing.release()
  }
}

function landRequest(
  decided: Extract<Decided, { verdict: unknown }>,
  seen: LookUp,
  settings: Settings,
  call: CallOptions
): LandRequest {
  const { repo, branch } = decided
  return {
    owner: repo.owner,
    repo: repo.name,
    base: branch,
    reads: seen.files,
    bump: seen.bump && { branch: settings.pr.branch, tip: seen.bump.tip, reads: seen.bump.files },
    baseTip: seen.base,
    judge: (reads) => judgePins(reads, settings),
    budget: call.budget,
    log: call.log ?? (() => {})
  }
}

/**
 * The last step, for every template that was looked up: check mode's open pull request, what
 * it pinned before, and a rename said where the operator will see it.
 */
async function finished(
  done: TemplateResult,
  seen: LookUp,
  ctx: PipelineContext,
  call: CallOptions
): Promise<TemplateResult> {
  let out = done
  if (out.status === 'lagging' && seen.repo) out = await withOpenBumpPull(out, seen.repo, ctx, call)
  // What the template read before, for the run's checks across templates (the v-prefix warning).
  const first = ctx.settings.pins.find((p) => p.kind === 'file')
  const read = first && seen.files.get(first.path)
  if (read?.kind === 'file') out = { ...out, pinnedBefore: templateReading(read.bytes).toString('utf8') }
  if (out.sameAs || !seen.repo || seen.repo.fullName.toLowerCase() === done.template.toLowerCase()) return out
  const renamed = seen.repo.fullName
  return { ...out, reason: `${out.reason}; renamed: now ${renamed}, update the template list`, renamedTo: renamed }
}

function stoppedResult(ref: TemplateRef, stop: RunStopError, inFlight = false): TemplateResult {
  const reason = inFlight ? stop.inFlight : stop.notAttempted
  return result(ref.fullName, 'failed', reason, {
    failure: kindOfStop(stop),
    cut: !inFlight ? 'not-attempted' : stop instanceof CancelledError ? 'cancelled' : undefined
  })
}

/** A run stopped by a failing forge, a rate limit or a cancel may pass on a re-run; a bad token or source will not. */
function kindOfStop(stop: RunStopError): FailureKind {
  const passing =
    stop instanceof ForgeFailingError || stop instanceof RateLimitStopError || stop instanceof CancelledError
  return passing ? 'transient' : 'other'
}
