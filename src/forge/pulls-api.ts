import type { AutoMerge } from '../inputs/settings.js'
import { absentOn404 } from './api-error.js'
import { repoApiPath } from './api-paths.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { list, object } from './forge-shapes.js'
import { PullPeople } from './pull-people.js'
import { pullState, type PullState } from './pull-state.js'
export { pullState, type PullState } from './pull-state.js'
import { PullMerges } from './pull-merges.js'
export { ENABLE_AUTO_MERGE, type MergeAsked } from './pull-merges.js'

/**
 * The pull-request endpoints beyond opening one. Gitea/Forgejo and GitHub share most paths
 * (`PATCH /pulls/{n}`, `POST /issues/{n}/comments`, `POST /issues/{n}/labels`, `POST
 * /pulls/{n}/requested_reviewers`, `GET /pulls/{n}/commits`); they differ in deleting a
 * branch, assigning, merging, and in labels (Gitea takes ids).
 */
export class PullsApi {
  /** Reviewers and assignees (pull-people.ts). */
  readonly people: PullPeople
  /** Merging: auto-merge, or at once (pull-merges.ts). */
  readonly merges: PullMerges

  constructor(private readonly client: ForgeClient) {
    this.people = new PullPeople(client)
    this.merges = new PullMerges(client)
  }

  /** Merge once the base branch's protection allows (PullMerges.autoMerge). */
  autoMerge(owner: string, repo: string, pull: PullState, method: Exclude<AutoMerge, 'off'>, call: CallOptions) {
    return this.merges.autoMerge({ owner, repo, pull, method, call })
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
}
