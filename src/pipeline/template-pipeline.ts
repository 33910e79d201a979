import { ApiError, CancelledError, ForgeFailingError, RateLimitStopError, RunStopError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'
import { RequestBoundError, RequestBudget } from '../forge/request-budget.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { Settings } from '../inputs/settings.js'
import type { TemplateRef } from '../inputs/template-list.js'
import type { Lander, Landing, LandRequest } from '../landing/lander.js'
import { ensurePullRequest } from '../landing/pull-request.js'
import { kindOfRefusal, type FailureKind } from '../report/failure-advice.js'
import { result, type TemplateResult } from '../report/results.js'
import type { BuildWatch } from '../builds/build-watch.js'
import { templateReading } from '../shared/pin-text.js'
import { API_ATTEMPTS } from '../shared/retry-policy.js'
import { lookUp, type StageAnswers } from './api-stage.js'
import { drift, missingConsumer } from './drift.js'
import { judgePin, type Verdict } from './pin-policy.js'
import type { RepoClaims } from './repo-claims.js'
import type { RunControl } from './run-control.js'

export interface PipelineContext {
  settings: Settings
  api: ForgeApi
  lander: Lander
  control: RunControl
  /** Waits for room in GitHub's content-creation budget (a pull request is one such request). */
  roomToWrite: (writes: number, log: Log) => Promise<void>
  /** verify-build: looks for the build each pushed pin starts. */
  builds?: BuildWatch
  /** Which template works on which repository: two names for one repository write it once. */
  claims: RepoClaims
}

type Log = (line: string) => void

/**
 * One template, start to finish: look up (one API round trip), decide (failed, skipped,
 * unchanged, or a pin to land), land, and in pull-request mode open the pull request. Every
 * failure becomes this template's result; one that stops the run (RunStopError) also tells
 * `control`, so no further template starts.
 */
export async function processTemplate(ref: TemplateRef, ctx: PipelineContext, log: Log): Promise<TemplateResult> {
  const stopped = ctx.control.stopped
  if (stopped) return result(ref.fullName, 'failed', stopped.notAttempted, { failure: kindOfStop(stopped) })
  try {
    return await pipeline(ref, ctx, log)
  } catch (error) {
    if (error instanceof RunStopError) {
      ctx.control.stop(error)
      return result(ref.fullName, 'failed', error.inFlight, { failure: kindOfStop(error) })
    }
    const transient = error instanceof ApiError && error.transient
    const message =
      error instanceof ApiError || error instanceof RequestBoundError
        ? error.message
        : `unexpected error: ${(error as Error).message}`
    return result(ref.fullName, 'failed', message, { failure: transient ? 'transient' : 'other' })
  }
}

async function pipeline(ref: TemplateRef, ctx: PipelineContext, log: Log): Promise<TemplateResult> {
  const { settings } = ctx
  const { fullName } = ref
  const call: CallOptions = {
    group: new RetryGroup(API_ATTEMPTS - 1),
    subject: fullName,
    budget: new RequestBudget(),
    log
  }
  log(`looking up ${fullName}${settings.branch ? ` (branch ${settings.branch})` : ''}`)
  const seen = await lookUp(ctx.api, ref, settings, call)
  // A renamed or transferred repository answers under its new name (the redirect was followed):
  // work on that name, and say so, so the operator can fix the list.
  const renamed =
    seen.repo && seen.repo.fullName.toLowerCase() !== fullName.toLowerCase() ? seen.repo.fullName : undefined
  if (renamed) log(`${fullName} was renamed: it is now ${renamed}`)
  const claimedBy = seen.repo ? ctx.claims.claim(seen.repo.fullName, fullName) : null
  if (claimedBy) {
    log(`${fullName} is the same repository as ${claimedBy}: written once, under that name`)
    return { ...result(fullName, 'unchanged', `the same repository as ${claimedBy}`), sameAs: claimedBy }
  }
  let landed = await land(ref, ctx, seen, call, log)
  if (landed.status === 'lagging' && seen.repo) landed = await withOpenBumpPull(landed, seen.repo, ctx, call)
  // What the template read before, for the run's checks across templates (the v-prefix warning).
  const before = seen.versionFile.kind === 'file' ? templateReading(seen.versionFile.bytes).toString('utf8') : ''
  const done: TemplateResult = before ? { ...landed, pinnedBefore: before } : landed
  return renamed
    ? { ...done, reason: `${done.reason}; renamed: now ${renamed}, update the template list`, renamedTo: renamed }
    : done
}

async function land(
  ref: TemplateRef,
  ctx: PipelineContext,
  seen: StageAnswers,
  call: CallOptions,
  log: Log
): Promise<TemplateResult> {
  const { settings } = ctx
  const decided = decide(seen, settings, ref.fullName, log)
  if ('status' in decided) return decided
  const { verdict, branch, repo } = decided

  const request: LandRequest = {
    owner: repo.owner,
    repo: repo.name,
    base: branch,
    file: seen.versionFile.kind === 'file' ? { sha: seen.versionFile.sha, bytes: seen.versionFile.bytes } : null,
    bump: seen.bump && { branch: settings.pr.branch, tip: seen.bump.tip, file: seen.bump.file },
    judge: (file) => judgePin(file, settings),
    budget: call.budget,
    log
  }
  const landing = await ctx.lander.land(request)
  const done = await outcome(landing, {
    ref,
    ctx,
    branch,
    verdict,
    call,
    owner: repo.owner,
    name: repo.name,
    workflow: seen.workflow?.path
  })
  return decided.consumer ? { ...done, consumer: decided.consumer } : done
}

type Decided =
  | {
      verdict: Extract<Verdict, { kind: 'write' }>
      branch: string
      repo: NonNullable<StageAnswers['repo']>
      consumer?: string
    }
  | TemplateResult

/** Everything decided from the look-up round alone, before any write. */
function decide(seen: StageAnswers, settings: Settings, fullName: string, log: Log): Decided {
  const failed = (reason: string, branch: string | null = null) => result(fullName, 'failed', reason, { branch })
  const skipped = (reason: string, branch: string | null = null) => result(fullName, 'skipped', reason, { branch })
  const info = seen.repo
  if (info === null)
    return {
      ...failed('repository not found, or the token cannot see it (HTTP 404)'),
      repositoryMissing: true,
      failure: 'not-found'
    }
  if (info.archived) return skipped('archived repository')
  if (info.mirror) return skipped('mirror repository (read-only)')
  if (info.empty || seen.versionFile.kind === 'empty-repository') return skipped('empty repository (no branch to pin)')
  // Only Gitea and Forgejo report this truthfully; on GitHub the write decides (see RepoInfo).
  if (info.canPush === false) return failed('the token has no push permission on this repository')

  const branch = settings.branch || info.defaultBranch
  if (!branch) return failed('the forge reported no default branch')
  log(`branch ${branch}${settings.branch ? '' : ' (default)'}`)
  // A 404 from the probe must mean "no workflow", never "no such branch".
  if (!seen.branchExists) return { ...failed(`branch ${branch} not found`, branch), failure: 'not-found' }
  if (seen.workflow === null)
    return skipped(`no publish-image.yml (looked for ${settings.probePaths.join(', ')})`, branch)
  if (seen.workflow.path) log(`found ${seen.workflow.path}`)

  const consumer = settings.requireConsumer === 'off' ? null : missingConsumer(seen.workflows, settings)
  if (consumer) {
    log(consumer)
    if (settings.requireConsumer === 'skip') return skipped(`${consumer} (require-consumer: skip)`, branch)
    if (settings.requireConsumer === 'fail') return failed(`${consumer} (require-consumer: fail)`, branch)
  }
  const marked = (r: TemplateResult): TemplateResult => (consumer ? { ...r, consumer } : r)
  // Check mode reads and judges; it never writes.
  if (settings.mode === 'check') {
    const found = drift(seen.versionFile, settings)
    return marked(result(fullName, found.status, found.reason, { branch }))
  }

  const verdict = judgePin(seen.versionFile, settings)
  if (verdict.kind === 'pinned') {
    log(`${settings.versionFile} already pins ${settings.version}: nothing to do`)
    return marked(result(fullName, 'unchanged', `already pinned to ${settings.version}`, { branch }))
  }
  if (verdict.kind === 'skip') return skipped(verdict.reason, branch)
  if (verdict.kind === 'fail')
    return { ...failed(verdict.reason, branch), failure: verdict.policy ? 'policy' : 'other' }
  log(
    verdict.was === null
      ? `${settings.versionFile} is absent: it will be created`
      : `${settings.versionFile} pins ${verdict.was}`
  )
  return { verdict, branch, repo: info, consumer: consumer ?? undefined }
}

interface Context {
  ref: TemplateRef
  ctx: PipelineContext
  branch: string
  verdict: Extract<Verdict, { kind: 'write' }>
  call: CallOptions
  owner: string
  name: string
  /** The probed workflow that was found: the run to look for, when verify-build is on. */
  workflow?: string
}

/** The template's result from how landing went; in pull-request mode, after the PR step. */
async function outcome(landing: Landing, c: Context): Promise<TemplateResult> {
  const { settings } = c.ctx
  const { fullName } = c.ref
  const pr = settings.mode === 'pull-request' ? settings.pr : undefined
  const target = pr?.branch ?? c.branch
  const extra = (note?: string) => [note, c.verdict.note].filter(Boolean).join('; ')
  const withNote = (text: string, note?: string) => (extra(note) ? `${text}; ${extra(note)}` : text)
  switch (landing.kind) {
    case 'cannot':
    case 'failed':
      return result(fullName, 'failed', landing.reason, {
        branch: target,
        attempts: landing.attempts,
        failure: landing.kind === 'failed' && landing.failure ? landing.failure : kindOfRefusal(landing.reason)
      })
    case 'unchanged':
      return result(fullName, 'unchanged', landing.reason, { branch: target, attempts: landing.attempts })
    case 'skipped':
      return result(fullName, 'skipped', landing.reason, { branch: target, attempts: landing.attempts })
    case 'would-land': {
      const what = pr ? `would push ${pr.branch} and open a pull request into ${c.branch}` : change(c, true)
      return result(fullName, 'would-update', withNote(what), { branch: target })
    }
  }
  const done = { branch: target, commit: landing.commit, attempts: landing.attempts }
  if (!pr) {
    const after =
      landing.attempts > 1 ? ` after ${landing.attempts} ${c.ctx.lander.transport === 'git' ? 'pushes' : 'writes'}` : ''
    const updated = result(fullName, 'updated', withNote(`${change(c, false)}${after}`, landing.note), done)
    if (c.ctx.builds && landing.commit) {
      updated.pendingBuild = c.ctx.builds.watch(fullName, c.owner, c.name, landing.commit, c.workflow || undefined)
    }
    return updated
  }
  try {
    const spec = { head: pr.branch, base: c.branch, title: pr.title, body: pr.body }
    await c.ctx.roomToWrite(1, c.call.log ?? (() => {}))
    const { opened, pr: pull } = await ensurePullRequest(c.ctx.api, c.owner, c.name, spec, c.call)
    const what = opened ? `opened #${pull.number}` : `#${pull.number} already open`
    return result(
      fullName,
      opened ? 'pr-opened' : 'pr-exists',
      withNote(`${what}: ${change(c, false)}`, landing.note),
      { ...done, pullRequest: pull }
    )
  } catch (error) {
    if (error instanceof RunStopError) throw error // the run stops, as for any 401
    const message = (error as Error).message
    return result(fullName, 'failed', `${pr.branch} is pushed, but the pull request could not be opened: ${message}`, {
      ...done,
      failure: error instanceof ApiError && error.transient ? 'transient' : 'other'
    })
  }
}

function change(c: Context, dryRun: boolean): string {
  const { version, versionFile } = c.ctx.settings
  const verb = dryRun ? 'would pin' : 'pinned'
  return c.verdict.was === null
    ? `${verb} ${version} (created ${versionFile})`
    : `${verb} ${version} (was ${c.verdict.was})`
}

/** A run stopped by a failing forge, a rate limit or a cancel may pass on a re-run; a bad token or source will not. */
function kindOfStop(stop: RunStopError): FailureKind {
  const passing =
    stop instanceof ForgeFailingError || stop instanceof RateLimitStopError || stop instanceof CancelledError
  return passing ? 'transient' : 'other'
}

/**
 * Check mode: a template that lags but has the action's bump pull request for this version open
 * is on its way, not one to push to: the result says so, with the pull request. One request,
 * for lagging templates only; a look-up that fails leaves the verdict as it was.
 */
async function withOpenBumpPull(
  lagging: TemplateResult,
  repo: NonNullable<StageAnswers['repo']>,
  ctx: PipelineContext,
  call: CallOptions
): Promise<TemplateResult> {
  const { settings } = ctx
  const base = settings.branch || repo.defaultBranch
  try {
    const pull = await ctx.api.findPull(repo.owner, repo.name, settings.pr.branch, base, call)
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
