import type { ForgeApi } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { PullState } from '../forge/pulls-api.js'
import type { PullRequestSettings } from '../inputs/settings.js'
import { markedVersion } from '../shared/commit-marker.js'
import { RunStopError } from '../shared/run-control.js'

/** A pull request as the results carry it. */
export interface PullRequestRef {
  number: number
  url: string
}

/**
 * The bump pull requests a template already has, before anything is pushed:
 * - `open`: the open one from this version's bump branch into the base;
 * - `closed`: with none open, the last one for this version that was closed (merged or not);
 * - `others`: the open ones from other versions' bump branches into the base (candidates to
 *   close as superseded; whether the action made them is checked before it touches them).
 */
export interface PriorPulls {
  open: PullState | null
  closed: PullState | null
  others: PullState[]
}

interface Where {
  api: ForgeApi
  owner: string
  repo: string
  base: string
  pr: PullRequestSettings
  version: string
  call: CallOptions
}

/** One listing of the open pull requests; for a closed one, one request more (none when one is open). */
export async function priorPulls(w: Where): Promise<PriorPulls> {
  const { api, owner, repo, base, pr, call } = w
  const open = (await api.pulls.list(owner, repo, 'open', call)).filter((p) => p.base === base)
  const mine = open.find((p) => p.head === pr.branch) ?? null
  const others = pr.anyVersion ? open.filter((p) => p.head !== pr.branch && pr.anyVersion!.test(p.head ?? '')) : []
  if (mine) return { open: mine, closed: null, others }
  return { open: null, closed: await closedForVersion(w), others }
}

/**
 * The bump pull request for this version that someone closed (or merged). A rolling branch
 * serves every version: its closed pull request counts only when its head commit carries this
 * version's trailer.
 */
async function closedForVersion(w: Where): Promise<PullState | null> {
  const { api, owner, repo, base, pr, call } = w
  const found = await api.pulls.closedFrom(owner, repo, pr.branch, base, call)
  if (!found) return null
  if (pr.anyVersion) return found
  return markedVersion(await api.pulls.headMessage(owner, repo, found, call)) === w.version ? found : null
}

/**
 * Closes the action's own superseded pull requests, each with a comment naming the new one, and
 * deletes their branches. Its own: every commit on it carries the trailer (so nobody else's work
 * goes with the branch). A failure here is said, never a failed template: the pin is pushed.
 */
export async function closeSuperseded(
  w: Where,
  others: PullState[],
  current: PullRequestRef
): Promise<{ closed: number[]; notes: string[] }> {
  const { api, owner, repo, call } = w
  const closed: number[] = []
  const notes: string[] = []
  for (const old of others) {
    try {
      const messages = await api.pulls.commitMessages(owner, repo, old.number, call)
      if (messages.length === 0 || messages.some((m) => markedVersion(m) === null)) {
        notes.push(`#${old.number} (${old.head}) has commits the cascade did not make: left open`)
        continue
      }
      await api.pulls.comment(
        owner,
        repo,
        old.number,
        `Superseded by #${current.number}, which pins ${w.version}.`,
        call
      )
      await api.pulls.update(owner, repo, old.number, { state: 'closed' }, call)
      closed.push(old.number)
      call.log?.(`closed #${old.number} (${old.head}): superseded by #${current.number}`)
      if (old.head) await api.pulls.deleteBranch(owner, repo, old.head, call)
    } catch (error) {
      if (error instanceof RunStopError) throw error
      notes.push(`#${old.number} could not be closed: ${(error as Error).message}`)
    }
  }
  return { closed, notes }
}
