import type { FlavourFacts } from '../flavours.js'
import type { PullRequest, RepoMeta, RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'

type Json = Record<string, unknown>

/**
 * The pull-request endpoints: create (with each family's duplicate answer), list, find, edit,
 * comment, commits, labels, reviewers, assignees. Shapes from the flavours' descriptions
 * (spec-check holds them to those); the texts from forge-facts.md and the forges' sources as
 * cited at each method. Merging is pull-merge.ts.
 */
export class PullsApi {
  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string
  ) {}

  private get github(): boolean {
    return this.facts.family === 'github'
  }

  async create(meta: RepoMeta, body: Json | undefined): Promise<ApiAnswer> {
    const head = String(body?.head ?? '')
    const base = String(body?.base ?? '')
    const title = String(body?.title ?? '')
    if (!head || !base || !title)
      return errorAnswer(this.facts, this.baseUrl, 422, 'Validation failed: head, base and title are required')
    if (!(await this.store.tip(meta, head)) || !(await this.store.tip(meta, base)))
      return notFound(this.facts, this.baseUrl, 'branch')
    const existing = meta.pulls.find((p) => p.state === 'open' && p.head === head && p.base === base)
    if (existing) {
      // GitHub 422 with errors[].message; Gitea/Forgejo 409 naming the existing one.
      if (this.github) {
        return errorAnswer(this.facts, this.baseUrl, 422, 'Validation Failed', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${meta.owner}:${head}.`
          }
        ])
      }
      const detail = `[id: ${existing.number}, issue_id: ${existing.number}, head_repo_id: ${meta.id}, base_repo_id: ${meta.id}, head_branch: ${head}, base_branch: ${base}]`
      return errorAnswer(this.facts, this.baseUrl, 409, `pull request already exists for these targets ${detail}`)
    }
    const created: PullRequest = {
      number: meta.pulls.length + 1,
      head,
      base,
      title,
      body: String(body?.body ?? ''),
      state: 'open',
      // GitHub's draft flag; Gitea has none (a WIP: title prefix).
      draft: this.github && body?.draft === true
    }
    meta.pulls.push(created)
    return ok(await this.json(meta, created), 201)
  }

  /** Gitea pages with `limit` (at most 50) and ignores head/base; GitHub pages with `per_page` and filters. */
  async list(meta: RepoMeta, query: URLSearchParams): Promise<ApiAnswer> {
    const state = query.get('state') ?? 'open'
    const size = Math.min(
      this.github ? 100 : 50,
      Number((this.github ? query.get('per_page') : query.get('limit')) ?? 30)
    )
    const page = Math.max(1, Number(query.get('page') ?? 1))
    let all = meta.pulls.filter((p) => state === 'all' || p.state === state).sort((a, b) => b.number - a.number)
    if (this.github) {
      const head = query.get('head')?.split(':').pop()
      const base = query.get('base')
      all = all.filter((p) => (!head || p.head === head) && (!base || p.base === base))
    }
    return ok(await Promise.all(all.slice((page - 1) * size, page * size).map((p) => this.json(meta, p))))
  }

  /**
   * Gitea 1.22+ and Forgejo: `GET /pulls/{base}/{head}`, a pull request between the two in any
   * state, the first the database finds (models/issues/pull.go GetPullRequestByBaseHeadInfo,
   * release/v1.22 and v1.25: no state filter, no order): here the oldest.
   */
  async find(meta: RepoMeta, base: string, head: string): Promise<ApiAnswer> {
    const found = meta.pulls.find((p) => p.base === base && p.head === head)
    return found ? ok(await this.json(meta, found)) : notFound(this.facts, this.baseUrl, 'repo')
  }

  async byNumber(meta: RepoMeta, number: number): Promise<ApiAnswer> {
    const found = meta.pulls.find((p) => p.number === number)
    return found ? ok(await this.json(meta, found)) : notFound(this.facts, this.baseUrl, 'repo')
  }

  /** `PATCH /pulls/{n}`: title, body, state, and on Gitea assignees. GitHub answers 200, Gitea 201 (its swagger). */
  async edit(meta: RepoMeta, number: number, body: Json): Promise<ApiAnswer> {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    if (typeof body.title === 'string') pull.title = body.title
    if (typeof body.body === 'string') pull.body = body.body
    if (body.state === 'closed' || body.state === 'open') pull.state = body.state
    if (Array.isArray(body.assignees)) pull.assignees = body.assignees.map(String)
    return ok(await this.json(meta, pull), this.github ? 200 : 201)
  }

  /** `POST /issues/{n}/comments`: 201 with the comment. */
  comment(meta: RepoMeta, number: number, body: Json): ApiAnswer {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    const text = String(body.body ?? '')
    pull.comments = [...(pull.comments ?? []), text]
    const user = { login: 'cascade-bot', id: 1 }
    const id = number * 100 + pull.comments.length
    const html_url = `${this.baseUrl}/${meta.fullName}/pulls/${number}#issuecomment-${id}`
    return ok({ id, body: text, user, html_url, created_at: new Date().toISOString() }, 201)
  }

  /**
   * `GET /pulls/{n}/commits`: the commits on the head not on the base, with messages: GitHub
   * oldest first, Gitea/Forgejo newest first (`git log base..head`, routers/api/v1/repo/pull.go
   * GetPullRequestCommits, release/v1.22 and v1.26).
   */
  async commits(meta: RepoMeta, number: number): Promise<ApiAnswer> {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    const order = this.github ? ['--reverse'] : []
    const out = await this.store
      .git(meta.dir, ['log', ...order, '--format=%H%x00%B%x01', `refs/heads/${pull.base}..refs/heads/${pull.head}`])
      .catch(() => '')
    const rows = out
      .split('\x01')
      .map((r) => r.replace(/^\n/, ''))
      .filter((r) => r.includes('\0'))
      .map((r) => {
        const [sha, message] = r.split('\0')
        return { sha, commit: { message } }
      })
    return ok(rows)
  }

  /**
   * `POST /issues/{n}/labels`: GitHub takes names and creates a label it does not have; Gitea
   * takes ids, or names that it looks up among the repository's labels only, dropping the rest
   * silently (routers/api/v1/repo/issue_label.go prepareForReplaceOrAdd, release/v1.22).
   */
  labels(meta: RepoMeta, number: number, body: Json): ApiAnswer {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    const asked = Array.isArray(body.labels) ? body.labels : []
    const own = this.repoLabels(meta)
    const names = asked.flatMap((l) =>
      typeof l === 'number'
        ? [...own, ...this.orgLabels(meta)].filter((x) => x.id === l).map((x) => x.name)
        : [String(l)]
    )
    const kept = this.github
      ? names
      : names.filter((n) => own.some((x) => x.name === n) || typeof asked[0] === 'number')
    if (this.github) meta.labels = [...new Set([...(meta.labels ?? []), ...kept])]
    pull.labels = [...new Set([...(pull.labels ?? []), ...kept])]
    return ok(pull.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed' })))
  }

  /**
   * Gitea `GET /repos/{o}/{r}/labels` and `GET /orgs/{org}/labels`, with ids, paged as Gitea pages
   * (routers/api/v1/utils/page.go): `limit` (default 30, at most 50), `page`; without `page` every
   * label before 1.26, the first page from 1.26 (`listWithoutPage`). X-Total-Count says how many.
   */
  listLabels(meta: RepoMeta | null, org?: string, query?: URLSearchParams): ApiAnswer {
    if (!meta && (!org || this.store.users.has(org))) return notFound(this.facts, this.baseUrl, 'repo')
    const all = meta
      ? this.repoLabels(meta).map((l) => ({ ...l, color: 'ededed' }))
      : (this.store.orgLabels.get(org!) ?? []).map((name, i) => ({ id: 1000 + i, name, color: 'ededed' }))
    const asked = Number(query?.get('page') ?? 0)
    const page = this.facts.listWithoutPage === 'first-page' ? Math.max(asked, 1) : asked
    const size = Math.min(Number(query?.get('limit') ?? 0) || 30, 50)
    const shown = page === 0 ? all : all.slice((page - 1) * size, page * size)
    return { ...ok(shown), headers: { 'X-Total-Count': String(all.length) } }
  }

  private repoLabels(meta: RepoMeta) {
    return (meta.labels ?? []).map((name, i) => ({ id: meta.id * 100 + i + 1, name }))
  }

  private orgLabels(meta: RepoMeta) {
    return (this.store.orgLabels.get(meta.owner) ?? []).map((name, i) => ({ id: 1000 + i, name }))
  }

  /**
   * `POST /pulls/{n}/requested_reviewers` {reviewers, team_reviewers}: 201, added to the requests
   * (GitHub's description: "Requests reviews ... from a given set of users and/or teams"; Gitea
   * makes a review request per name). GitHub refuses a team given as org/team with 422 (its team
   * reviewers are slugs).
   */
  async reviewers(meta: RepoMeta, number: number, body: Json): Promise<ApiAnswer> {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    const teams = Array.isArray(body.team_reviewers) ? body.team_reviewers.map(String) : []
    if (this.github && teams.some((t) => t.includes('/')))
      return errorAnswer(this.facts, this.baseUrl, 422, 'Validation Failed')
    const users = Array.isArray(body.reviewers) ? body.reviewers.map(String) : []
    pull.reviewers = [...new Set([...(pull.reviewers ?? []), ...users])]
    pull.teamReviewers = [...new Set([...(pull.teamReviewers ?? []), ...teams])]
    return ok(this.github ? await this.json(meta, pull) : [], 201)
  }

  /**
   * `GET /pulls/{n}/reviews`, oldest first. Gitea lists each open review request as a review of
   * state REQUEST_REVIEW (models/issues/review.go ReviewTypeRequest; the API converts every
   * review type, modules/structs/pull_review.go); GitHub lists submitted reviews only.
   */
  async reviews(meta: RepoMeta, number: number): Promise<ApiAnswer> {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    const user = (login: string) => ({ login, id: login.length })
    const given = (pull.reviews ?? []).map((r, i) => ({ id: i + 1, user: user(r.login), state: r.state, body: '' }))
    const asked = this.github
      ? []
      : (pull.reviewers ?? []).map((login, i) => ({
          id: 100 + i,
          user: user(login),
          state: 'REQUEST_REVIEW',
          body: ''
        }))
    return ok([...given, ...asked])
  }

  /**
   * GitHub `POST /issues/{n}/assignees`: 201 with the issue; added to the assignees ("Users already
   * assigned to an issue are not replaced"), and a user without push access left out without a
   * word ("Assignees are silently ignored otherwise"; both from its OpenAPI description).
   */
  async assignees(meta: RepoMeta, number: number, body: Json, withoutPush: ReadonlySet<string>): Promise<ApiAnswer> {
    const pull = meta.pulls.find((p) => p.number === number)
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    const asked = Array.isArray(body.assignees) ? body.assignees.map(String) : []
    pull.assignees = [...new Set([...(pull.assignees ?? []), ...asked.filter((a) => !withoutPush.has(a))])]
    // An issue, not a pull request: no head, base or merge fields.
    const issue = await this.json(meta, pull)
    for (const field of [
      'head',
      'base',
      'merged_at',
      'merge_commit_sha',
      'requested_reviewers',
      'requested_teams',
      'draft'
    ])
      delete issue[field]
    return ok({ ...issue, pull_request: { url: issue.url } }, 201)
  }

  /** GitHub's team-simple: the fields its description requires. */
  private team(meta: RepoMeta, slug: string): Json {
    const url = `${this.baseUrl}${this.facts.apiBase}/orgs/${meta.owner}/teams/${slug}`
    return {
      id: slug.length,
      node_id: `T_${slug}`,
      url,
      members_url: `${url}/members{/member}`,
      name: slug,
      description: null,
      permission: 'pull',
      html_url: `${this.baseUrl}/orgs/${meta.owner}/teams/${slug}`,
      repositories_url: `${url}/repos`,
      slug
    }
  }

  async json(meta: RepoMeta, pull: PullRequest): Promise<Json> {
    const html = `${this.baseUrl}/${meta.fullName}/${this.github ? 'pull' : 'pulls'}/${pull.number}`
    const sha = (await this.store.tip(meta, pull.head)) ?? ''
    const user = (login: string) => ({ login, id: login.length })
    return {
      id: meta.id * 1000 + pull.number,
      number: pull.number,
      url: `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/pulls/${pull.number}`,
      html_url: html,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      labels: (pull.labels ?? []).map((name, i) => ({ id: i + 1, name, color: 'ededed' })),
      assignees: (pull.assignees ?? []).map(user),
      // Gitea/Forgejo: once its head branch is deleted, a pull request names its pull ref instead
      // (seen on Gitea 1.22.6 and 1.26.3: head.ref "refs/pull/1/head" after a superseded one was closed).
      head: {
        label: pull.head,
        ref: !this.github && !sha ? `refs/pull/${pull.number}/head` : pull.head,
        sha,
        repo: { full_name: meta.fullName }
      },
      base: { label: pull.base, ref: pull.base, repo: { full_name: meta.fullName } },
      ...(this.github
        ? {
            node_id: `PR_${meta.id}_${pull.number}`,
            draft: pull.draft === true,
            merged_at: pull.merged ? '2026-01-01T00:00:00Z' : null,
            merge_commit_sha: pull.mergeCommit ?? null,
            requested_reviewers: (pull.reviewers ?? []).map(user),
            requested_teams: (pull.teamReviewers ?? []).map((slug) => this.team(meta, slug))
          }
        : {
            merged: pull.merged === true,
            // A *string in Gitea's struct (services/convert/pull.go sets it once merged).
            ...(pull.mergeCommit ? { merge_commit_sha: pull.mergeCommit } : {}),
            requested_reviewers: (pull.reviewers ?? []).map(user),
            ...(this.facts.teamRequestsListed
              ? { requested_reviewers_teams: (pull.teamReviewers ?? []).map((name, i) => ({ id: i + 1, name })) }
              : {})
          })
    }
  }
}
