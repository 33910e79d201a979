import type { AutoMerge } from '../inputs/settings.js'
import { ApiError } from './api-error.js'
import { repoApiPath } from './api-paths.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { object } from './forge-shapes.js'
import type { PullState } from './pull-state.js'

/** What asking the forge to merge a pull request came to. */
export type MergeAsked =
  /** GitHub: auto-merge is on; GitHub merges it once its required checks pass. */
  | { kind: 'enabled' }
  /** Gitea/Forgejo: not mergeable yet (`waiting` in the forge's words); it merges it once that changes. */
  | { kind: 'scheduled'; waiting: string }
  /** unstable: GitHub, with checks no rule requires failing or pending (it merges all the same). */
  | { kind: 'merged'; unstable?: true }
  /** Refused, in the forge's words; the pull request stays open. */
  | { kind: 'refused'; reason: string }
  /** Paced merges (max-builds-in-flight): not mergeable at once, in the forge's words; nothing scheduled, it stays open. */
  | { kind: 'held'; reason: string }

const MERGE_METHOD: Record<Exclude<AutoMerge, 'off'>, string> = { merge: 'MERGE', squash: 'SQUASH', rebase: 'REBASE' }

/** Tries of a merge while Gitea is still checking the pull request (backoff between them). */
const MERGE_CHECK_TRIES = 6

/**
 * Gitea/Forgejo's words for a merge its branch protection holds back, which a scheduled merge
 * waits out: 1.22 "not allowed to merge [reason: X]" (models/error.go ErrDisallowedToMerge), 1.26
 * X itself (services/pull/merge.go CheckPullBranchProtections, ErrNotReadyToMerge).
 */
const HELD_BY_PROTECTION =
  /not allowed to merge \[reason|not ready to merge|required status checks|enough approvals|requested changes|official review requests|head branch is behind|protected files/i

/** Which pull request to merge, how, and the template's call options. */
export interface MergeAsk {
  owner: string
  repo: string
  pull: PullState
  method: Exclude<AutoMerge, 'off'>
  call: CallOptions
}

/**
 * Merging a bump pull request: auto-merge (merged when the forge's rules allow, or scheduled),
 * or at once only (paced merges: the merge is a push to the default branch whose build takes a
 * build slot, so nothing is left to merge later on the forge's own time).
 */
export class PullMerges {
  constructor(private readonly client: ForgeClient) {}

  private get github(): boolean {
    return this.client.kind === 'github'
  }

  /**
   * Merge once the base branch's protection allows. GitHub: GraphQL `enablePullRequestAutoMerge`,
   * which refuses a pull request that no required check holds: "is in clean status" (nothing
   * pending) and "is in unstable status" (checks no rule requires failing or pending: "Merging is
   * allowed", GitHub's definition quoted in octokit/octokit.net#1763;
   * peter-evans/enable-pull-request-automerge#355). Both are merged directly (`PUT
   * /pulls/{n}/merge`), which branch protection still gates; the unstable one says so.
   * Gitea/Forgejo: see mergeOnGitea.
   */
  async autoMerge(ask: MergeAsk): Promise<MergeAsked> {
    const { owner, repo, pull, method, call } = ask
    try {
      if (!this.github) return await this.mergeOnGitea(ask)
      const refused = await this.enableOnGithub(pull, method, call)
      if (refused === null) return { kind: 'enabled' as const }
      const nothingRequired = /is in (clean|unstable) status/i.exec(refused)
      if (!nothingRequired) return { kind: 'refused' as const, reason: refused }
      const path = repoApiPath(owner, repo, 'pulls', `${pull.number}`, 'merge')
      await this.client.call('PUT', path, { ...call, body: { merge_method: method } })
      return nothingRequired[1].toLowerCase() === 'unstable' ? { kind: 'merged', unstable: true } : { kind: 'merged' }
    } catch (error) {
      if (!(error instanceof ApiError) || error.transient) throw error
      return { kind: 'refused' as const, reason: error.message }
    }
  }

  /**
   * Gitea/Forgejo. `merge_when_checks_succeed` answers 201 "scheduled" whatever is pending, and
   * before Gitea 1.24.3 and in Forgejo nothing looks at a scheduled merge again until a commit
   * status or a review arrives (services/automerge/automerge.go; seen on Gitea 1.22.6: a pull
   * request with no required check stayed open, "scheduled", for good). So the merge is asked for
   * now (what a scheduled merge would do when nothing is required), and scheduled only when the
   * base branch's protection holds it back (required checks, approvals: 405 "not allowed to merge
   * [reason: ...]" on 1.22, "Not all required status checks successful" and the like on 1.26),
   * which is what a status or review will come to settle. A re-run finds it scheduled (409).
   */
  private async mergeOnGitea(ask: MergeAsk): Promise<MergeAsked> {
    const { owner, repo, pull, method, call } = ask
    const path = repoApiPath(owner, repo, 'pulls', `${pull.number}`, 'merge')
    const now = await this.mergeNow(path, method, call)
    if (now === 'merged') return { kind: 'merged' }
    if (!HELD_BY_PROTECTION.test(now.serverText)) return { kind: 'refused', reason: now.message }
    try {
      const answer = await this.client.call('POST', path, {
        ...call,
        body: { do: method, merge_when_checks_succeed: true }
      })
      return answer.status === 201 ? { kind: 'scheduled', waiting: now.serverText } : { kind: 'merged' }
    } catch (error) {
      // routers/api/v1/repo/pull.go: 409 when it already is (a re-run).
      if (error instanceof ApiError && error.status === 409 && /already scheduled/i.test(error.serverText))
        return { kind: 'scheduled', waiting: now.serverText }
      throw error
    }
  }

  /**
   * A merge right away. The method goes as `do`, which Gitea 1.26 documents; older releases and
   * Forgejo document `Do` and take either (JSON keys are matched whatever their case: seen on Gitea
   * 1.22.6). Gitea checks a pull request after each push to its head, and until that
   * check is done answers 405 "Please try again later" (ErrNotMergeableState; seen on Gitea
   * 1.26.3 for a pull request opened a moment before): asked again, with backoff, a few times.
   */
  private async mergeNow(path: string, method: string, call: CallOptions): Promise<'merged' | ApiError> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.call('POST', path, { ...call, body: { do: method } })
        return 'merged'
      } catch (error) {
        if (!(error instanceof ApiError) || error.transient) throw error
        const checking = error.status === 405 && /try again later/i.test(error.serverText)
        if (!checking || attempt >= MERGE_CHECK_TRIES || !(await this.client.pause(attempt))) return error
        call.log?.(`the forge is still checking whether the pull request can merge: asking again`)
      }
    }
  }

  /**
   * A merge at once, never scheduled (paced merges): the merge commit, or why the forge cannot
   * merge it now, in its words. GitHub `PUT /pulls/{n}/merge` answers the merge commit's `sha`
   * (200), and 405 or 409 when it cannot merge (a required check, an approval, "Head branch was
   * modified"); Gitea answers the merge with an empty 200, so the pull request is read again for
   * its `merge_commit_sha`.
   */
  async mergeAtOnce(ask: MergeAsk): Promise<{ kind: 'merged'; sha: string } | { kind: 'held'; reason: string }> {
    const { owner, repo, pull, method, call } = ask
    const path = repoApiPath(owner, repo, 'pulls', `${pull.number}`, 'merge')
    if (!this.github) {
      const now = await this.mergeNow(path, method, call)
      if (now !== 'merged') return { kind: 'held', reason: now.message }
      const read = await this.client.call('GET', repoApiPath(owner, repo, 'pulls', `${pull.number}`), call)
      return { kind: 'merged', sha: String(object(read.data, 'a pull request').merge_commit_sha ?? '') }
    }
    try {
      const answer = await this.client.call('PUT', path, { ...call, body: { merge_method: method } })
      return { kind: 'merged', sha: String(object(answer.data ?? {}, 'a merge').sha ?? '') }
    } catch (error) {
      if (!(error instanceof ApiError) || error.transient) throw error
      return { kind: 'held', reason: error.message }
    }
  }

  /** null when GitHub enabled auto-merge; else its words (GraphQL answers 200 with `errors`). */
  private async enableOnGithub(pull: PullState, method: Exclude<AutoMerge, 'off'>, call: CallOptions) {
    const answer = await this.client.call('POST', '/graphql', {
      ...call,
      body: { query: ENABLE_AUTO_MERGE, variables: { id: pull.nodeId ?? '', method: MERGE_METHOD[method] } }
    })
    const errors = object(answer.data ?? {}, 'POST /graphql').errors
    if (!Array.isArray(errors) || errors.length === 0) return null
    return errors.map((e) => String(object(e, 'a GraphQL error').message ?? '')).join('; ')
  }
}

/** The one GraphQL request the action sends; tests validate it against GitHub's published schema. */
export const ENABLE_AUTO_MERGE = `mutation EnableAutoMerge($id: ID!, $method: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $method }) {
    pullRequest { number autoMergeRequest { enabledAt } }
  }
}`
