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
 * one refusal says its words and the rest still apply. An assignee the forge left out without a
 * word (GitHub, without push access) is a note.
 */
export async function dressPull(t: Target, n: number, has?: PullState): Promise<string[]> {
  const { api, owner, repo, call } = t
  const notes: string[] = []
  const attempt = async (what: string, request: () => Promise<void>) => {
    try {
      await request()
    } catch (error) {
      if (error instanceof RunStopError || !(error instanceof ApiError) || error.transient) throw error
      notes.push(`${what} refused: ${error.message}`)
    }
  }
  // A rolling branch's pull request found open gets only what it lacks; reviewers only once the
  // reviews say who has reviewed (unreadable: nobody is asked again).
  let pr = has ? lacking(t.pr, has) : t.pr
  if (has && pr.reviewers.length + pr.teamReviewers.length > 0) {
    const wanted = pr
    pr = { ...wanted, reviewers: [], teamReviewers: [] }
    await attempt('reading its reviews', async () => {
      pr = notReviewed(wanted, await api.pulls.people.reviewedBy(owner, repo, n, call))
    })
  }
  if (pr.labels.length > 0) {
    await attempt('labels', async () => {
      const missing = await api.pulls.label(owner, repo, n, pr.labels, call)
      for (const name of missing) notes.push(`label ${name} does not exist here: not added`)
    })
  }
  if (pr.reviewers.length + pr.teamReviewers.length > 0)
    await attempt('reviewers', () =>
      api.pulls.people.requestReviewers(owner, repo, n, pr.reviewers, pr.teamReviewers, call)
    )
  if (pr.assignees.length > 0)
    await attempt('assignees', async () => {
      const left = await api.pulls.people.assign(owner, repo, n, pr.assignees, call)
      if (left.length > 0)
        notes.push(`not assigned: ${left.join(', ')} (the forge ignores an assignee without push access)`)
    })
  return notes
}

/** What an open pull request lacks: labels, assignees, and reviewers whose request is not open. */
function lacking(pr: PullRequestSettings, has: PullState): PullRequestSettings {
  return {
    ...pr,
    labels: lack(pr.labels, has.labels),
    assignees: lack(pr.assignees, has.assignees),
    reviewers: lack(pr.reviewers, has.reviewers),
    teamReviewers: lack(pr.teamReviewers, has.teamReviewers)
  }
}

/**
 * A reviewer is asked once: not while their request is open, nor once they have reviewed (a
 * review takes them off the requests). A team is asked while no review was given: a member's
 * review takes the team off the requests (WordPress/openverse#30; Gitea puts the member in its
 * place, go-gitea/gitea#32334), and asking again would notify the whole team once more.
 */
function notReviewed(pr: PullRequestSettings, reviewed: string[]): PullRequestSettings {
  return { ...pr, reviewers: lack(pr.reviewers, reviewed), teamReviewers: reviewed.length > 0 ? [] : pr.teamReviewers }
}

const lack = (wanted: string[], present: string[]) =>
  wanted.filter((w) => !present.some((p) => p.toLowerCase() === w.toLowerCase()))

/** auto-merge: asked once per run; a refusal leaves the pull request open and says why. */
export async function mergeWhenGreen(t: Target, pull: PullState): Promise<MergeAsked | undefined> {
  const { api, owner, repo, pr, call } = t
  if (pr.autoMerge === 'off') return undefined
  const asked = await api.pulls.autoMerge(owner, repo, pull, pr.autoMerge, call)
  call.log?.(asked.kind === 'refused' ? `auto-merge refused: ${asked.reason}` : `auto-merge: ${asked.kind}`)
  return asked
}
