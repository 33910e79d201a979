import { absentOn404, ApiError } from './api-error.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { list, object, parseRepo, type RepoInfo } from './forge-shapes.js'
import { first } from './http-transport.js'

/**
 * The listings behind the `org:` and `topic:` sources: every page followed, and the whole
 * checked against the count the forge gave, so a listing never silently comes up short.
 */
export class RepoListing {
  constructor(private readonly client: ForgeClient) {}

  /**
   * Every repository of an organisation, or of a user when there is no such organisation
   * (Gitea/Forgejo `GET /orgs/{o}/repos` then `/users/{u}/repos`, 50 a page; GitHub the same
   * paths, 100 a page). null when neither exists.
   */
  async ownerRepos(owner: string, call?: CallOptions): Promise<RepoInfo[] | null> {
    const size: Record<string, string> = this.client.kind === 'github' ? { per_page: '100' } : { limit: '50' }
    for (const kind of ['orgs', 'users']) {
      const path = `/${kind}/${encodeURIComponent(owner)}/repos?${new URLSearchParams({ ...size, page: '1' })}`
      const found = await absentOn404(this.pages(path, (data) => list(data, `GET /${kind}/${owner}/repos`), call))
      if (found) return found.map((r) => parseRepo(this.client.kind, r, `a repository of ${owner}`))
    }
    return null
  }

  /**
   * The repositories of `owner` that carry `topic`. Gitea/Forgejo search (`GET /repos/search?q=
   * &topic=true&uid=&exclusive=true`, answering {ok, data}): topic=true matches the topic name
   * exactly, and exclusive keeps out repositories the owner only contributes to. GitHub search
   * (`q=topic:X org:Y`, {total_count, items}) returns at most 1000 results: more is an error,
   * never a silent cut. null when the owner does not exist.
   */
  async topicRepos(topic: string, owner: string, call?: CallOptions): Promise<RepoInfo[] | null> {
    if (this.client.kind === 'github') {
      for (const qualifier of ['org', 'user']) {
        const q = `topic:${topic} ${qualifier}:${owner}`
        const path = `/search/repositories?${new URLSearchParams({ q, per_page: '100', page: '1' })}`
        try {
          const items = await this.pages(
            path,
            (data) => list(object(data, 'GET /search/repositories').items, 'search items'),
            call
          )
          return items.map((r) => parseRepo(this.client.kind, r, 'a search result'))
        } catch (error) {
          // An org: qualifier naming a user is a 422; try it as a user.
          if (!(error instanceof ApiError) || error.status !== 422) throw error
        }
      }
      return null
    }
    const user = await absentOn404(this.client.call('GET', `/users/${encodeURIComponent(owner)}`, call))
    if (!user) return null
    const uid = String(object(user.data, `GET /users/${owner}`).id ?? '')
    const path = `/repos/search?${new URLSearchParams({ q: topic, topic: 'true', uid, exclusive: 'true', limit: '50', page: '1' })}`
    const found = await this.pages(path, (data) => list(object(data, 'GET /repos/search').data, 'search data'), call)
    return found.map((r) => parseRepo(this.client.kind, r, 'a search result'))
  }

  /**
   * Every page of a listing: `Link: <...>; rel="next"` followed (within the API only, at most
   * 200 pages), and the whole checked against what the forge said it has (Gitea's
   * X-Total-Count, GitHub search's total_count): a listing that ends early is an error.
   */
  private async pages(start: string, items: (data: unknown) => unknown[], call?: CallOptions): Promise<unknown[]> {
    const all: unknown[] = []
    let path: string | null = start
    let total: number | undefined
    for (let page = 1; path !== null; page++) {
      if (page > 200) throw new ApiError(0, `${start.replace(/\?.*/, '')}: more than 200 pages; not listed in full`)
      const answer = await this.client.call('GET', path, call)
      all.push(...items(answer.data))
      const count = Number(
        first(answer.headers['x-total-count']) ?? (answer.data as { total_count?: unknown })?.total_count
      )
      if (Number.isFinite(count)) total = count
      path = nextPage(answer.headers.link, answer.url, this.client.apiUrl)
    }
    if (total !== undefined && all.length < total) {
      throw new ApiError(
        0,
        `${start.replace(/\?.*/, '')} found ${total} but returned ${all.length}` +
          (this.client.kind === 'github' && start.startsWith('/search/')
            ? ' (GitHub search returns at most 1000 results: narrow it, or list an org)'
            : '')
      )
    }
    return all
  }
}

/** The path of the `rel="next"` page, or null; a next page outside the API is refused. */
function nextPage(link: string | string[] | undefined, from: string, apiUrl: string): string | null {
  const header = Array.isArray(link) ? link.join(',') : link
  const next = header?.split(',').find((part) => /rel="?next"?/.test(part))
  const target = next && /<([^>]+)>/.exec(next)?.[1]
  if (!target) return null
  const url = new URL(target, from).toString()
  if (!url.startsWith(`${apiUrl}/`))
    throw new ApiError(0, `the next page is outside the API (${new URL(url).origin}); not followed`)
  return url.slice(apiUrl.length)
}
