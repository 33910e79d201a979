import { absentOn404 } from './api-error.js'
import { repoApiPath } from './api-paths.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { list, object } from './forge-shapes.js'

/**
 * Who is asked to look at a pull request: reviewers (users and teams) and assignees. The
 * forges share `POST /pulls/{n}/requested_reviewers` {reviewers, team_reviewers}, which adds
 * to the requests, and `GET /pulls/{n}/reviews`; they differ in assigning.
 */
export class PullPeople {
  constructor(private readonly client: ForgeClient) {}

  private get github(): boolean {
    return this.client.kind === 'github'
  }

  async requestReviewers(owner: string, repo: string, n: number, users: string[], teams: string[], call: CallOptions) {
    const path = repoApiPath(owner, repo, 'pulls', `${n}`, 'requested_reviewers')
    await this.client.call('POST', path, { ...call, body: { reviewers: users, team_reviewers: teams } })
  }

  /**
   * Assigns `users`; the ones the forge did not assign. GitHub `POST /issues/{n}/assignees`
   * answers 201 and leaves out, without a word, a user without push access ("Assignees are
   * silently ignored otherwise", its OpenAPI description), so the answer's assignees are read.
   * Gitea takes them on `PATCH /pulls/{n}` and refuses one it cannot assign.
   */
  async assign(owner: string, repo: string, n: number, users: string[], call: CallOptions): Promise<string[]> {
    const path = this.github
      ? repoApiPath(owner, repo, 'issues', `${n}`, 'assignees')
      : repoApiPath(owner, repo, 'pulls', `${n}`)
    const answer = await this.client.call(this.github ? 'POST' : 'PATCH', path, { ...call, body: { assignees: users } })
    if (!this.github) return []
    const now = logins(object(answer.data ?? {}, 'an issue').assignees)
    return users.filter((u) => !now.some((a) => a.toLowerCase() === u.toLowerCase()))
  }

  /**
   * Who has reviewed: the users of its submitted reviews, in every state but pending. A user
   * leaves `requested_reviewers` once they review (tanium/octobot#131, Reviewable#571), so this
   * is how a rolling pull request knows not to ask them again. Gitea lists a review request as
   * a review of state REQUEST_REVIEW (modules/structs/pull_review.go): not a review. At most
   * five pages.
   */
  async reviewedBy(owner: string, repo: string, n: number, call: CallOptions): Promise<string[]> {
    const path = repoApiPath(owner, repo, 'pulls', `${n}`, 'reviews')
    const size = this.github ? 100 : 50
    const who = new Set<string>()
    for (let page = 1; page <= 5; page++) {
      const query = this.github ? `per_page=${size}&page=${page}` : `limit=${size}&page=${page}`
      const answer = await absentOn404(this.client.call('GET', `${path}?${query}`, call))
      const rows = answer ? list(answer.data, `GET ${path}`).map((r) => object(r, 'a review')) : []
      for (const review of rows) {
        const state = String(review.state ?? '')
        if (state === 'PENDING' || state === 'REQUEST_REVIEW') continue
        const login = review.user ? String(object(review.user, 'a user').login ?? '') : ''
        if (login) who.add(login)
      }
      if (rows.length < size) break
    }
    return [...who]
  }
}

/** The logins of a list of users (GitHub's and Gitea's user objects both have `login`). */
export function logins(rows: unknown): string[] {
  return Array.isArray(rows) ? rows.map((r) => String(object(r, 'a user').login ?? '')).filter(Boolean) : []
}
