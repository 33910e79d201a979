import { ApiError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { MergeAsked, PullState } from '../forge/pulls-api.js'
import type { PullRequestSettings } from '../inputs/settings.js'
import { RunStopError } from '../shared/run-control.js'
import type { PullRequestRef } from './bump-pulls.js'

interface Target {
  api: ForgeApi
  owner: string
  repo: string
  base: string
  pr: PullRequestSettings
  call: CallOptions
}

/** The bump pull request after this step: opened now, or the open one found (and brought up to date). */
export interface PullDone {
  pull: PullRequestRef
  /** The pull request as the forge answered (auto-merge needs its GraphQL id). */
  state: PullState
  opened: boolean
  /** Who-looks-at-it and auto-merge outcomes that the result says, beside the pin. */
  notes: string[]
  merge?: MergeAsked
}

/**
 * Finds the open bump pull request (the look-up round listed them) or opens it; a POST the
 * forge answers "already exists" (a retried POST that had landed, a race) finds it instead. A
 * rolling branch's pull request gets this version's title and body.
 */
export async function ensurePull(t: Target, open: PullState | null): Promise<PullDone> {
  const { api, owner, repo, base, pr, call } = t
  if (open) {
    call.log?.(`pull request #${open.number} is open`)
    const title = api.pullTitle(pr.title, pr.draft)
    const stale = !pr.anyVersion && (open.title !== title || open.body !== pr.body)
    if (stale) await api.pulls.update(owner, repo, open.number, { title, body: pr.body }, call)
    const notes = stale ? ['its title and body now say this version'] : []
    return { pull: { number: open.number, url: open.url }, state: open, opened: false, notes }
  }
  const spec = { head: pr.branch, base, title: pr.title, body: pr.body, draft: pr.draft }
  const created = await api.openPull(owner, repo, spec, call)
  if (created !== 'exists') {
    call.log?.(`opened pull request #${created.number}: ${created.url}`)
    return { pull: { number: created.number, url: created.url }, state: created, opened: true, notes: [] }
  }
  call.log?.('a pull request for this branch already exists; looking it up')
  const found = await api.pulls.findOpen(owner, repo, pr.branch, base, call)
  // The forge said it exists but we cannot see it: report, never guess a number.
  if (!found)
    throw new ApiError(
      409,
      `the forge says a pull request from ${pr.branch} into ${base} exists, but it was not found among the open pull requests`
    )
  return { pull: { number: found.number, url: found.url }, state: found, opened: false, notes: [] }
}

/**
 * Labels, reviewers and assignees on a pull request just opened. Gitea takes label ids (looked
 * up from the repository's and the organisation's labels: a name that is neither is a warning,
 * not a failure); GitHub takes names and creates a missing label. Each is its own request, so
 * one refusal says its words and the rest still apply.
 */
export async function dressPull(t: Target, n: number, has?: PullState): Promise<string[]> {
  const { api, owner, repo, call } = t
  // A rolling branch's pull request found open gets only what it lacks.
  const pr = has ? missingOn(t.pr, has) : t.pr
  const notes: string[] = []
  const attempt = async (what: string, request: () => Promise<void>) => {
    try {
      await request()
    } catch (error) {
      if (error instanceof RunStopError || !(error instanceof ApiError) || error.transient) throw error
      notes.push(`${what} refused: ${error.message}`)
    }
  }
  if (pr.labels.length > 0) {
    await attempt('labels', async () => {
      const missing = await api.pulls.label(owner, repo, n, pr.labels, call)
      for (const name of missing) notes.push(`label ${name} does not exist here: not added`)
    })
  }
  if (pr.reviewers.length + pr.teamReviewers.length > 0)
    await attempt('reviewers', () => api.pulls.requestReviewers(owner, repo, n, pr.reviewers, pr.teamReviewers, call))
  if (pr.assignees.length > 0) await attempt('assignees', () => api.pulls.assign(owner, repo, n, pr.assignees, call))
  return notes
}

function missingOn(pr: PullRequestSettings, has: PullState): PullRequestSettings {
  return {
    ...pr,
    labels: pr.labels.filter((l) => !has.labels.includes(l)),
    assignees: pr.assignees.filter((a) => !has.assignees.includes(a)),
    // Reviewers once: a review already requested (or given) is not asked for again.
    reviewers: has.reviewers.length > 0 ? [] : pr.reviewers,
    teamReviewers: has.reviewers.length > 0 ? [] : pr.teamReviewers
  }
}

/** auto-merge: asked once per run; a refusal leaves the pull request open and says why. */
export async function mergeWhenGreen(t: Target, pull: PullState): Promise<MergeAsked | undefined> {
  const { api, owner, repo, pr, call } = t
  if (pr.autoMerge === 'off') return undefined
  const asked = await api.pulls.autoMerge(owner, repo, pull, pr.autoMerge, call)
  call.log?.(asked.kind === 'refused' ? `auto-merge refused: ${asked.reason}` : `auto-merge: ${asked.kind}`)
  return asked
}
