import type { AutoMerge } from '../inputs/settings.js'
import { absentOn404, ApiError } from './api-error.js'
import { repoApiPath } from './api-paths.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { list, object, parsePull, type PullInfo } from './forge-shapes.js'
import { logins, PullPeople } from './pull-people.js'

/** A pull request as the lists show it: its state, and whether it was merged. */
export interface PullState extends PullInfo {
  state: 'open' | 'closed'
  merged: boolean
  title: string
  body: string
  /** GitHub's GraphQL id (auto-merge takes it). */
  nodeId?: string
  headSha?: string
  /** Who looks at it now: label names, assignee and requested reviewer logins, requested team names. */
  labels: string[]
  assignees: string[]
  reviewers: string[]
  teamReviewers: string[]
}

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

/**
 * The pull-request endpoints beyond opening one. Gitea/Forgejo and GitHub share most paths
 * (`PATCH /pulls/{n}`, `POST /issues/{n}/comments`, `POST /issues/{n}/labels`, `POST
 * /pulls/{n}/requested_reviewers`, `GET /pulls/{n}/commits`); they differ in deleting a
 * branch, assigning, merging, and in labels (Gitea takes ids).
 */
export class PullsApi {
  /** Reviewers and assignees (pull-people.ts). */
  readonly people: PullPeople

  constructor(private readonly client: ForgeClient) {
    this.people = new PullPeople(client)
  }

  private get github(): boolean {
    return this.client.kind === 'github'
  }

  /** Pull requests in `state`, newest first, at most 20 pages; GitHub filters by head when given. */
  async list(owner: string, repo: string, state: 'open' | 'closed', call: CallOptions, head?: string) {
    const found: PullState[] = []
    for (let page = 1; page <= 20; page++) {
      const query = new URLSearchParams(
        this.github
          ? { state, per_page: '100', page: `${page}`, ...(head ? { head: `${owner}:${head}` } : {}) }
          : { state, limit: '50', page: `${page}` }
      )
      const path = repoApiPath(owner, repo, 'pulls')
      const rows = list((await this.client.call('GET', `${path}?${query}`, call)).data, `GET ${path}`)
      found.push(...rows.map((row) => pullState(row)))
      if (rows.length < (this.github ? 100 : 50)) break
    }
    return head ? found.filter((p) => p.head === head) : found
  }

  /** Gitea/Forgejo `GET /pulls/{base}/{head}`: a pull request between the two, in any state (the first one). */
  async between(owner: string, repo: string, base: string, head: string, call: CallOptions) {
    const path = repoApiPath(owner, repo, 'pulls', base, head)
    const answer = await absentOn404(this.client.call('GET', path, call))
    return answer ? pullState(answer.data) : null
  }

  /**
   * The open pull request from `head` into `base`, or null. Gitea 1.22+ and Forgejo find it
   * directly (`GET /pulls/{base}/{head}`); their list ignores the head and base filters, so
   * paging it is the fallback. GitHub's list does filter.
   */
  async findOpen(
    owner: string,
    repo: string,
    head: string,
    base: string,
    call: CallOptions
  ): Promise<PullState | null> {
    if (!this.github && !base.includes('/')) {
      const found = await this.between(owner, repo, base, head, call)
      if (found?.state === 'open') return found
    }
    return (await this.list(owner, repo, 'open', call, head)).find((p) => p.head === head && p.base === base) ?? null
  }

  /**
   * The last pull request from `head` into `base` that was closed (merged or not), or null:
   * GitHub lists closed ones by head; Gitea/Forgejo find one by base and head (`GET
   * /pulls/{base}/{head}`, which answers the first one in any state).
   */
  async closedFrom(owner: string, repo: string, head: string, base: string, call: CallOptions) {
    const found = this.github
      ? ((await this.list(owner, repo, 'closed', call, head)).find((p) => p.base === base) ?? null)
      : await this.between(owner, repo, base, head, call)
    return found?.state === 'closed' ? found : null
  }

  async update(owner: string, repo: string, n: number, fields: Record<string, unknown>, call: CallOptions) {
    await this.client.call('PATCH', repoApiPath(owner, repo, 'pulls', `${n}`), { ...call, body: fields })
  }

  async comment(owner: string, repo: string, n: number, body: string, call: CallOptions) {
    await this.client.call('POST', repoApiPath(owner, repo, 'issues', `${n}`, 'comments'), { ...call, body: { body } })
  }

  /** The messages of the pull request's commits (at most 100: a bump branch holds a few). */
  async commitMessages(owner: string, repo: string, n: number, call: CallOptions): Promise<string[]> {
    return (await this.commits(owner, repo, n, call)).map((c) => c.message)
  }

  /**
   * The message of the pull request's head commit: the one whose sha the pull request names.
   * Without it, by each forge's order: Gitea and Forgejo list a pull request's commits newest
   * first (`git log base..head`, routers/api/v1/repo/pull.go GetPullRequestCommits, release/v1.22
   * and v1.26), GitHub oldest first.
   */
  async headMessage(owner: string, repo: string, pull: PullState, call: CallOptions): Promise<string | undefined> {
    const commits = await this.commits(owner, repo, pull.number, call)
    const bySha = pull.headSha ? commits.find((c) => c.sha === pull.headSha) : undefined
    return (bySha ?? (this.github ? commits.at(-1) : commits[0]))?.message
  }

  private async commits(owner: string, repo: string, n: number, call: CallOptions) {
    const path = repoApiPath(owner, repo, 'pulls', `${n}`, 'commits')
    const query = this.github ? 'per_page=100' : 'limit=50'
    const rows = list((await this.client.call('GET', `${path}?${query}`, call)).data, `GET ${path}`)
    return rows.map((row) => {
      const commit = object(row, 'a commit')
      return { sha: String(commit.sha ?? ''), message: String(object(commit.commit ?? {}, 'a commit').message ?? '') }
    })
  }

  /** Gitea `DELETE /branches/{b}`, GitHub `DELETE /git/refs/heads/{b}`. */
  async deleteBranch(owner: string, repo: string, branch: string, call: CallOptions) {
    const path = this.github
      ? repoApiPath(owner, repo, 'git', 'refs', 'heads', branch)
      : repoApiPath(owner, repo, 'branches', branch)
    await this.client.call('DELETE', path, call)
  }

  /**
   * Gitea: label names as ids, from the repository's and its organisation's labels; `missing` the
   * rest. Every page, 50 a page: Gitea 1.26 answers a list without `page` with its first page
   * only (routers/api/v1/utils/page.go forces page >= 1; seen live on Gitea 1.26.3, where a
   * repository's 60th label was "missing"), and an admin's MAX_RESPONSE_ITEMS can be lower.
   */
  private async labelIds(owner: string, repo: string, names: string[], call: CallOptions) {
    const read = async (path: string) => {
      const labels: Array<Record<string, unknown>> = []
      for (let page = 1; page <= 20; page++) {
        const answer = await absentOn404(this.client.call('GET', `${path}?limit=50&page=${page}`, call))
        const rows = answer ? list(answer.data, `GET ${path}`).map((l) => object(l, 'a label')) : []
        labels.push(...rows)
        // A short page ends the list, unless X-Total-Count says more (a lower MAX_RESPONSE_ITEMS).
        const total = Number(answer?.headers['x-total-count'] ?? NaN)
        if (rows.length === 0 || (rows.length < 50 && !(labels.length < total))) break
      }
      return labels
    }
    const own = [
      ...(await read(repoApiPath(owner, repo, 'labels'))),
      ...(await read(`/orgs/${encodeURIComponent(owner)}/labels`))
    ]
    const ids = names.flatMap((name) =>
      own
        .filter((l) => l.name === name)
        .slice(0, 1)
        .map((l) => Number(l.id))
    )
    return { ids, missing: names.filter((name) => !own.some((l) => l.name === name)) }
  }

  /**
   * Labels by name on a pull request; the names this forge does not have (and would not add).
   * GitHub takes names and creates a missing label; Gitea takes ids, looked up among the
   * repository's and the organisation's labels (a name that is neither is left out).
   */
  async label(owner: string, repo: string, n: number, names: string[], call: CallOptions): Promise<string[]> {
    if (this.github) {
      await this.addLabels(owner, repo, n, names, call)
      return []
    }
    const { ids, missing } = await this.labelIds(owner, repo, names, call)
    if (ids.length > 0) await this.addLabels(owner, repo, n, ids, call)
    return missing
  }

  private async addLabels(owner: string, repo: string, n: number, labels: Array<number | string>, call: CallOptions) {
    const path = repoApiPath(owner, repo, 'issues', `${n}`, 'labels')
    await this.client.call('POST', path, { ...call, body: { labels } })
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
  async autoMerge(
    owner: string,
    repo: string,
    pull: PullState,
    method: Exclude<AutoMerge, 'off'>,
    call: CallOptions
  ): Promise<MergeAsked> {
    try {
      if (!this.github) return await this.mergeOnGitea(owner, repo, pull, method, call)
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
  private async mergeOnGitea(
    owner: string,
    repo: string,
    pull: PullState,
    method: Exclude<AutoMerge, 'off'>,
    call: CallOptions
  ): Promise<MergeAsked> {
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

/** A pull request answer, with its state. */
export function pullState(data: unknown): PullState {
  const pull = parsePull(data, 'a pull request')
  const raw = object(data, 'a pull request')
  return {
    ...pull,
    state: raw.state === 'closed' ? 'closed' : 'open',
    // Gitea says `merged`; GitHub's list says `merged_at` only.
    merged: raw.merged === true || (typeof raw.merged_at === 'string' && raw.merged_at !== ''),
    title: String(raw.title ?? ''),
    body: String(raw.body ?? ''),
    nodeId: typeof raw.node_id === 'string' ? raw.node_id : undefined,
    headSha:
      typeof object(raw.head ?? {}, 'head').sha === 'string' ? String(object(raw.head ?? {}, 'head').sha) : undefined,
    labels: names(raw.labels, 'name'),
    assignees: logins(raw.assignees),
    reviewers: logins(raw.requested_reviewers),
    // GitHub's requested_teams by slug (what its team_reviewers takes); Gitea's
    // requested_reviewers_teams (its swagger from 1.23 on) by name, which its team_reviewers takes.
    teamReviewers: [...names(raw.requested_teams, 'slug'), ...names(raw.requested_reviewers_teams, 'name')]
  }
}

const names = (rows: unknown, field: string): string[] =>
  Array.isArray(rows) ? rows.map((r) => String(object(r, 'an entry')[field] ?? '')).filter(Boolean) : []
