import type { FlavourFacts } from '../flavours.js'
import type { PullRequest, RepoMeta, RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'

/** The pull-request endpoints: create (with each family's duplicate answer), list, find. */
export class PullsApi {
  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string
  ) {}

  async create(meta: RepoMeta, body: Record<string, unknown> | undefined): Promise<ApiAnswer> {
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
      if (this.facts.family === 'github') {
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
      state: 'open'
    }
    meta.pulls.push(created)
    return ok(this.json(meta, created), 201)
  }

  /** Gitea pages with `limit` (at most 50) and ignores head/base; GitHub pages with `per_page` and filters. */
  list(meta: RepoMeta, query: URLSearchParams): ApiAnswer {
    const state = query.get('state') ?? 'open'
    const github = this.facts.family === 'github'
    const size = Math.min(github ? 100 : 50, Number((github ? query.get('per_page') : query.get('limit')) ?? 30))
    const page = Math.max(1, Number(query.get('page') ?? 1))
    let all = meta.pulls.filter((p) => state === 'all' || p.state === state).sort((a, b) => b.number - a.number)
    if (github) {
      const head = query.get('head')?.split(':').pop()
      const base = query.get('base')
      all = all.filter((p) => (!head || p.head === head) && (!base || p.base === base))
    }
    return ok(all.slice((page - 1) * size, page * size).map((p) => this.json(meta, p)))
  }

  /** Gitea 1.22+ and Forgejo: `GET /pulls/{base}/{head}`, the pull request between the two. */
  find(meta: RepoMeta, base: string, head: string): ApiAnswer {
    const found = [...meta.pulls].reverse().find((p) => p.base === base && p.head === head)
    return found ? ok(this.json(meta, found)) : notFound(this.facts, this.baseUrl, 'repo')
  }

  byNumber(meta: RepoMeta, number: number): ApiAnswer {
    const found = meta.pulls.find((p) => p.number === number)
    return found ? ok(this.json(meta, found)) : notFound(this.facts, this.baseUrl, 'repo')
  }

  private json(meta: RepoMeta, pull: PullRequest): Record<string, unknown> {
    const html = `${this.baseUrl}/${meta.fullName}/${this.facts.family === 'github' ? 'pull' : 'pulls'}/${pull.number}`
    return {
      id: meta.id * 1000 + pull.number,
      number: pull.number,
      url: `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/pulls/${pull.number}`,
      html_url: html,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      head: { label: pull.head, ref: pull.head, repo: { full_name: meta.fullName } },
      base: { label: pull.base, ref: pull.base, repo: { full_name: meta.fullName } }
    }
  }
}
