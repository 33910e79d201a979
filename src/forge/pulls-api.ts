import type { AutoMerge } from '../inputs/settings.js'
import { absentOn404, ApiError } from './api-error.js'
import { repoApiPath } from './api-paths.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { list, object, parsePull, type PullInfo } from './forge-shapes.js'

/** A pull request as the lists show it: its state, and whether it was merged. */
export interface PullState extends PullInfo {
  state: 'open' | 'closed'
  merged: boolean
  title: string
  body: string
  /** GitHub's GraphQL id (auto-merge takes it). */
  nodeId?: string
  headSha?: string
  /** Who looks at it now: label names, assignee and requested reviewer logins. */
  labels: string[]
  assignees: string[]
  reviewers: string[]
}

/** What asking the forge to merge a pull request came to. */
export type MergeAsked =
  | { kind: 'enabled' }
  | { kind: 'merged' }
  /** Refused, in the forge's words; the pull request stays open. */
  | { kind: 'refused'; reason: string }

const MERGE_METHOD: Record<Exclude<AutoMerge, 'off'>, string> = { merge: 'MERGE', squash: 'SQUASH', rebase: 'REBASE' }

/**
 * The pull-request endpoints beyond opening one. Gitea/Forgejo and GitHub share most paths
 * (`PATCH /pulls/{n}`, `POST /issues/{n}/comments`, `POST /issues/{n}/labels`, `POST
 * /pulls/{n}/requested_reviewers`, `GET /pulls/{n}/commits`); they differ in deleting a
 * branch, assigning, merging, and in labels (Gitea takes ids).
 */
export class PullsApi {
  constructor(private readonly client: ForgeClient) {}

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

  async update(owner: string, repo: string, n: number, fields: Record<string, unknown>, call: CallOptions) {
    await this.client.call('PATCH', repoApiPath(owner, repo, 'pulls', `${n}`), { ...call, body: fields })
  }

  async comment(owner: string, repo: string, n: number, body: string, call: CallOptions) {
    await this.client.call('POST', repoApiPath(owner, repo, 'issues', `${n}`, 'comments'), { ...call, body: { body } })
  }

  /** The messages of the pull request's commits (at most 100: a bump branch holds a few). */
  async commitMessages(owner: string, repo: string, n: number, call: CallOptions): Promise<string[]> {
    const path = repoApiPath(owner, repo, 'pulls', `${n}`, 'commits')
    const query = this.github ? 'per_page=100' : 'limit=50'
    const rows = list((await this.client.call('GET', `${path}?${query}`, call)).data, `GET ${path}`)
    return rows.map((row) => String(object(object(row, 'a commit').commit ?? {}, 'a commit').message ?? ''))
  }

  /** Gitea `DELETE /branches/{b}`, GitHub `DELETE /git/refs/heads/{b}`. */
  async deleteBranch(owner: string, repo: string, branch: string, call: CallOptions) {
    const path = this.github
      ? repoApiPath(owner, repo, 'git', 'refs', 'heads', branch)
      : repoApiPath(owner, repo, 'branches', branch)
    await this.client.call('DELETE', path, call)
  }

  /** Gitea: label names as ids, from the repository's and its organisation's labels; `missing` the rest. */
  async labelIds(owner: string, repo: string, names: string[], call: CallOptions) {
    const read = async (path: string) => {
      const answer = await absentOn404(this.client.call('GET', `${path}?limit=50`, call))
      return answer ? list(answer.data, `GET ${path}`).map((l) => object(l, 'a label')) : []
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

  async addLabels(owner: string, repo: string, n: number, labels: Array<number | string>, call: CallOptions) {
    const path = repoApiPath(owner, repo, 'issues', `${n}`, 'labels')
    await this.client.call('POST', path, { ...call, body: { labels } })
  }

  async requestReviewers(owner: string, repo: string, n: number, users: string[], teams: string[], call: CallOptions) {
    const path = repoApiPath(owner, repo, 'pulls', `${n}`, 'requested_reviewers')
    await this.client.call('POST', path, { ...call, body: { reviewers: users, team_reviewers: teams } })
  }

  /** GitHub `POST /issues/{n}/assignees`; Gitea takes them on `PATCH /pulls/{n}`. */
  async assign(owner: string, repo: string, n: number, users: string[], call: CallOptions) {
    if (!this.github) return this.update(owner, repo, n, { assignees: users }, call)
    await this.client.call('POST', repoApiPath(owner, repo, 'issues', `${n}`, 'assignees'), {
      ...call,
      body: { assignees: users }
    })
  }

  /**
   * Merge once the required checks pass. Gitea/Forgejo: `POST /pulls/{n}/merge` with
   * `merge_when_checks_succeed`: 201 scheduled, 200 merged at once (nothing pending), 405/409
   * refused (routers/api/v1/repo/pull.go MergePullRequest, release/v1.22-v1.25). GitHub: GraphQL
   * `enablePullRequestAutoMerge`, which refuses a pull request with nothing to wait for ("is in
   * clean status"): that one is merged directly (`PUT /pulls/{n}/merge`).
   */
  async autoMerge(owner: string, repo: string, pull: PullState, method: Exclude<AutoMerge, 'off'>, call: CallOptions) {
    try {
      if (!this.github) {
        const path = repoApiPath(owner, repo, 'pulls', `${pull.number}`, 'merge')
        const answer = await this.client.call('POST', path, {
          ...call,
          body: { Do: method, merge_when_checks_succeed: true }
        })
        return answer.status === 201 ? { kind: 'enabled' as const } : { kind: 'merged' as const }
      }
      const refused = await this.enableOnGithub(pull, method, call)
      if (refused === null) return { kind: 'enabled' as const }
      if (!/clean status/i.test(refused)) return { kind: 'refused' as const, reason: refused }
      const path = repoApiPath(owner, repo, 'pulls', `${pull.number}`, 'merge')
      await this.client.call('PUT', path, { ...call, body: { merge_method: method } })
      return { kind: 'merged' as const }
    } catch (error) {
      if (!(error instanceof ApiError) || error.transient) throw error
      return { kind: 'refused' as const, reason: error.message }
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
    assignees: names(raw.assignees, 'login'),
    reviewers: names(raw.requested_reviewers, 'login')
  }
}

const names = (rows: unknown, field: string): string[] =>
  Array.isArray(rows) ? rows.map((r) => String(object(r, 'an entry')[field] ?? '')).filter(Boolean) : []
