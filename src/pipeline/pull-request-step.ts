import { ApiError } from '../forge/api-error.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { Landing } from '../landing/lander.js'
import { closeSuperseded, priorPulls, type PriorPulls } from '../pulls/bump-pulls.js'
import type { MergeAsked, PullState } from '../forge/pulls-api.js'
import type { Pacing } from '../builds/build-waves.js'
import { dressPull, ensurePull, mergeWhenGreen, type PullDone } from '../pulls/open-pull.js'
import { RunStopError } from '../shared/run-control.js'
import type { ToLand } from './landed-result.js'
import type { PipelineContext } from './pipeline-context.js'
import { result, type TemplateResult } from './template-result.js'

/** Pull-request mode, before anything is pushed: the bump pull requests the template already has. */
export function lookUpPulls(c: ToLand, ctx: PipelineContext, call: CallOptions): Promise<PriorPulls> {
  const { settings, api } = ctx
  const where = {
    api,
    owner: c.repo.owner,
    repo: c.repo.name,
    base: c.branch,
    pr: settings.pr,
    version: settings.version
  }
  return priorPulls({ ...where, call })
}

/**
 * A bump pull request for this version that was closed is an answer: merged, the base holds
 * the pin (unchanged); closed without merging, a person said no (skipped), unless
 * `closed-pr: reopen`. null: go on and land.
 */
export function closedAnswer(prior: PriorPulls, c: ToLand, ctx: PipelineContext): TemplateResult | null {
  const closed = prior.open ? null : prior.closed
  if (!closed) return null
  const { version, pr } = ctx.settings
  const pullRequest = { number: closed.number, url: closed.url }
  if (closed.merged)
    return result(c.template, 'unchanged', `pull request #${closed.number} for ${version} was merged`, {
      branch: c.branch,
      pullRequest
    })
  if (pr.afterClosed === 'reopen') return null
  const reason = `pull request #${closed.number} for ${version} was closed without merging (closed-pr: reopen opens a new one)`
  return result(c.template, 'skipped', reason, { branch: pr.branch, pullRequest })
}

/**
 * After the bump branch is pushed (or found current): find or open its pull request, dress a
 * new one (labels, reviewers, assignees), ask for auto-merge, close the superseded ones. The
 * reason says what is true this time: what was pushed, or that the branch already pinned it.
 */
export async function pullRequestStep(
  landed: TemplateResult,
  landing: Landing,
  c: ToLand,
  prior: PriorPulls,
  ctx: PipelineContext,
  call: CallOptions
): Promise<TemplateResult> {
  const { settings, api } = ctx
  const pr = settings.pr
  if (settings.mode !== 'pull-request' || landing.kind !== 'landed') return landed
  const target = { api, owner: c.repo.owner, repo: c.repo.name, base: c.branch, pr, call }
  // What has happened so far, so that a failure says what is true: opened, or not.
  const progress: { done?: PullDone; step: string } = { step: 'opening it' }
  try {
    const done = await ensurePull(target, prior.open)
    progress.done = done
    progress.step = 'dressing it'
    // A new pull request is dressed; a rolling branch's, found open, gets what it lacks.
    const dress = done.opened
      ? await dressPull(target, done.pull.number)
      : !pr.anyVersion
        ? await dressPull(target, done.pull.number, done.state)
        : []
    progress.step = 'asking for auto-merge'
    const merge =
      ctx.pacing && pr.autoMerge !== 'off'
        ? await mergePaced(target, done.state, ctx.pacing, c.workflow)
        : await mergeWhenGreen(target, done.state)
    progress.step = 'closing the superseded ones'
    const superseded =
      pr.closeSuperseded && prior.others.length > 0
        ? await closeSuperseded({ ...target, version: settings.version }, prior.others, done.pull)
        : { closed: [], notes: [] }
    const pushed = landing.commit
      ? landed.reason
      : [`${pr.branch} already pins ${settings.version}`, landing.note].filter(Boolean).join('; ')
    const said = [
      headline(done, pushed),
      mergeWords(merge),
      closedWords(superseded.closed),
      ...done.notes,
      ...dress,
      ...superseded.notes
    ]
    return {
      ...landed,
      status: done.opened ? 'pr-opened' : 'pr-exists',
      reason: said.filter(Boolean).join('; '),
      pullRequest: done.pull,
      ...(merge ? { autoMerge: merge.kind } : {}),
      ...(superseded.closed.length > 0 ? { superseded: superseded.closed } : {})
    }
  } catch (error) {
    if (error instanceof RunStopError) throw error // the run stops, as for any 401
    return pullFailed(landed, pr.branch, progress, error)
  }
}

/**
 * auto-merge under max-builds-in-flight or builds-per-minute: a merge is a push to the default
 * branch, so it waits for a build slot as a push does, and its build holds the slot. Only a merge
 * the forge makes at once can be paced; one it would schedule (checks still required) happens
 * on its own time, so none is scheduled: the pull request stays open, and the result says why.
 */
async function mergePaced(
  t: Parameters<typeof mergeWhenGreen>[0],
  pull: PullState,
  pacing: Pacing,
  workflow: string | undefined
): Promise<MergeAsked | undefined> {
  const method = t.pr.autoMerge
  if (method === 'off') return undefined
  const log = t.call.log ?? (() => {})
  if ((await pacing.slot(log)) === null)
    return { kind: 'held', reason: 'the run was cancelled while it waited for a build slot' }
  let tracked = false
  try {
    const merged = await t.api.pulls.merges.mergeAtOnce({ owner: t.owner, repo: t.repo, pull, method, call: t.call })
    if (merged.kind === 'held') return merged
    if (merged.sha) {
      pacing.track(t.owner, t.repo, merged.sha, workflow)
      tracked = true
    }
    return { kind: 'merged' }
  } finally {
    if (!tracked) pacing.release()
  }
}

/** Not opened: the branch is pushed, the pull request is not. Opened: it is, and what failed after says so. */
function pullFailed(
  landed: TemplateResult,
  branch: string,
  progress: { done?: PullDone; step: string },
  error: unknown
): TemplateResult {
  const message = (error as Error).message
  const { done, step } = progress
  return {
    ...landed,
    status: 'failed',
    reason: done
      ? `${done.opened ? `opened #${done.pull.number}` : `#${done.pull.number} already open`}, but ${step} failed: ${message}`
      : `${branch} is pushed, but the pull request could not be opened: ${message}`,
    failure: error instanceof ApiError && error.transient ? 'transient' : 'other',
    ...(done ? { pullRequest: done.pull } : {})
  }
}

const headline = (done: PullDone, pushed: string) =>
  `${done.opened ? `opened #${done.pull.number}` : `#${done.pull.number} already open`}: ${pushed}`

function mergeWords(merge: MergeAsked | undefined): string | undefined {
  if (!merge) return undefined
  if (merge.kind === 'refused') return `auto-merge refused: ${merge.reason}`
  if (merge.kind === 'held')
    return `not merged: ${merge.reason}; with build pacing a pull request is merged only when it can merge at once, inside a build slot (a merge the forge schedules starts its build on its own time): re-run once that is settled`
  if (merge.kind === 'scheduled')
    return `auto-merge scheduled: not mergeable yet (${merge.waiting}); the forge merges it once that changes`
  if (merge.kind === 'merged' && merge.unstable)
    return 'merged: no check is required, so GitHub merged it with checks still pending or failing'
  return merge.kind === 'merged' ? 'merged' : 'auto-merge enabled'
}

const closedWords = (closed: number[]) =>
  closed.length > 0 ? `closed ${closed.map((n) => `#${n}`).join(', ')} (superseded)` : undefined
