import type { FlavourFacts } from '../flavours.js'
import type { RepoMeta, RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'
import type { ReposApi } from './repos.js'

/** The token's account (GET /user answers it). */
const TOKEN_USER = 'cascade-bot'

/**
 * Listing and search, paged as each family does it: Gitea/Forgejo `limit` (at most
 * MAX_RESPONSE_ITEMS, 50 unless an admin changed it) with `Link` and `X-Total-Count`; GitHub
 * `per_page` (at most 100) with `Link` only, and search capped at 1000 results.
 */
export class ListingApi {
  /** Gitea's [api] MAX_RESPONSE_ITEMS (admins set it); GitHub's per_page cap is 100. */
  maxPageSize: number
  /** GitHub search returns at most this many results (1000), whatever total_count says. */
  searchCap = 1000
  /**
   * Gitea's ROOT_URL, from which it builds `Link` (services/context/api.go genAPILinks): set it
   * to play a forge reached under another hostname than the one it is configured with.
   */
  rootUrl: string | undefined

  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string,
    private readonly repos: ReposApi
  ) {
    this.maxPageSize = facts.family === 'github' ? 100 : 50
  }

  private get github(): boolean {
    return this.facts.family === 'github'
  }

  /**
   * `GET /orgs/{o}/repos` (organisations only) and `GET /users/{u}/repos` (either). Gitea pages
   * and counts every repository of the owner and leaves out of each page the ones the token
   * cannot see (routers/api/v1/user/repo.go listUserRepos): X-Total-Count and Link count them, a
   * page may come back short or empty. GitHub's `/users/{u}/repos` lists public repositories only.
   */
  async ownerRepos(kind: 'orgs' | 'users', owner: string, path: string, query: URLSearchParams): Promise<ApiAnswer> {
    const known =
      this.store.all().some((m) => m.owner.toLowerCase() === owner.toLowerCase()) || this.store.users.has(owner)
    const isUser = this.store.users.has(owner)
    if (!known || (kind === 'orgs' && isUser))
      return notFound(this.facts, this.baseUrl, 'repo', [`user redirect does not exist [name: ${owner}]`])
    const repos = this.store
      .all()
      .filter((m) => m.owner.toLowerCase() === owner.toLowerCase())
      .filter((m) => !this.github || (!m.hidden && (kind === 'orgs' || !m.private)))
      .sort((a, b) => a.id - b.id)
    return this.page(repos, path, query, (slice) => slice.filter((m) => !m.hidden))
  }

  /** `GET /user/repos?affiliation=owner`: the token's own account's repositories, private ones too. */
  tokenUserRepos(path: string, query: URLSearchParams): Promise<ApiAnswer> {
    const repos = this.store
      .all()
      .filter((m) => m.owner === TOKEN_USER && !m.hidden)
      .sort((a, b) => a.id - b.id)
    return this.page(repos, path, query, (slice) => slice)
  }

  /**
   * GitHub `GET /installation/repositories` (an App installation token's grant):
   * {total_count, repositories}; here every repository the token can see.
   */
  installationRepos(path: string, query: URLSearchParams): Promise<ApiAnswer> {
    const repos = this.store
      .all()
      .filter((m) => !m.hidden)
      .sort((a, b) => a.id - b.id)
    return this.page(repos, path, query, (slice) => ({ total_count: repos.length, repositories: slice }))
  }

  /** Gitea `GET /users/{name}`: the id that search's `uid` takes. */
  user(name: string): ApiAnswer {
    const meta = this.store.all().find((m) => m.owner.toLowerCase() === name.toLowerCase())
    if (!meta && !this.store.users.has(name)) return notFound(this.facts, this.baseUrl, 'repo')
    return ok({ id: ownerId(name), login: name, full_name: '' })
  }

  /**
   * Gitea `GET /repos/search?q=&topic=true&uid=&exclusive=`: topic=true matches the topic name
   * exactly; without exclusive, repositories the user collaborates on come too (here: none).
   */
  search(path: string, query: URLSearchParams): Promise<ApiAnswer> {
    const q = (query.get('q') ?? '').toLowerCase()
    const uid = query.get('uid')
    const matches = this.store
      .all()
      .filter((m) => (query.get('topic') === 'true' ? (m.topics ?? []).includes(q) : m.name.toLowerCase().includes(q)))
      .filter((m) => !uid || String(ownerId(m.owner)) === uid)
      .filter((m) => !m.hidden) // the search counts with the access filter
      .sort((a, b) => a.id - b.id)
    return this.page(matches, path, query, (slice) => ({ ok: true, data: slice }))
  }

  /** GitHub `GET /search/repositories?q=topic:X org:Y` (or user:Y): {total_count, incomplete_results, items}. */
  async githubSearch(path: string, query: URLSearchParams): Promise<ApiAnswer> {
    const q = query.get('q') ?? ''
    const topic = /topic:(\S+)/.exec(q)?.[1]
    const org = /org:(\S+)/.exec(q)?.[1]
    const user = /user:(\S+)/.exec(q)?.[1]
    if (org && this.store.users.has(org)) {
      return errorAnswer(this.facts, this.baseUrl, 422, 'Validation Failed', [
        {
          message:
            'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.'
        }
      ])
    }
    const owner = org ?? user
    const matches = this.store
      .all()
      .filter(
        (m) =>
          !m.hidden &&
          (!topic || (m.topics ?? []).includes(topic)) &&
          (!owner || m.owner.toLowerCase() === owner.toLowerCase())
      )
      .sort((a, b) => a.id - b.id)
    const reachable = matches.slice(0, this.searchCap)
    return this.page(
      reachable,
      path,
      query,
      (slice) => ({ total_count: matches.length, incomplete_results: false, items: slice }),
      matches.length
    )
  }

  /** One page of `repos` (counted as they are), its JSON through `wrap`, with Link and the count. */
  private async page<T>(
    repos: RepoMeta[],
    path: string,
    query: URLSearchParams,
    wrap: (slice: RepoMeta[]) => T,
    total = repos.length
  ): Promise<ApiAnswer> {
    const asked = Number(query.get(this.github ? 'per_page' : 'limit') ?? (this.github ? 30 : this.maxPageSize))
    const size = Math.max(1, Math.min(this.maxPageSize, asked))
    const page = Math.max(1, Number(query.get('page') ?? 1))
    const slice = repos.slice((page - 1) * size, page * size)
    const wrapped = wrap(slice) as unknown
    const json = async (items: unknown) =>
      Promise.all((items as RepoMeta[]).map(async (m) => (await this.repos.repository(m)).body))
    const body = Array.isArray(wrapped)
      ? await json(wrapped)
      : await this.jsonFields(wrapped as Record<string, unknown>, json)
    const last = Math.max(1, Math.ceil(repos.length / size))
    const origin = this.rootUrl ?? this.baseUrl
    const link = (n: number, rel: string) => {
      const q = new URLSearchParams(query)
      q.set('page', String(n))
      return `<${origin}${this.facts.apiBase}${path}?${q}>; rel="${rel}"`
    }
    const links = [
      page < last ? link(page + 1, 'next') : '',
      page < last ? link(last, 'last') : '',
      page > 1 ? link(1, 'first') : '',
      page > 1 ? link(page - 1, 'prev') : ''
    ]
    const headers: Record<string, string> = {}
    if (links.some(Boolean)) headers.Link = links.filter(Boolean).join(', ')
    if (!this.github) headers['X-Total-Count'] = String(total)
    return { status: 200, body, headers }
  }

  /** A wrapped page ({ok, data} or {items}): its list of repositories turned into their JSON. */
  private async jsonFields(
    wrapped: Record<string, unknown>,
    json: (items: unknown) => Promise<unknown[]>
  ): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(wrapped)) out[key] = Array.isArray(value) ? await json(value) : value
    return out
  }
}

/** An owner's numeric id (the forge has no user table; a stable number per name will do). */
function ownerId(name: string): number {
  let id = 7
  for (const c of name.toLowerCase()) id = (id * 31 + c.charCodeAt(0)) % 1_000_000
  return id
}
