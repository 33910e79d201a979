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
   * paths, 100 a page). null when neither exists. GitHub's `/users/{u}/repos` lists a user's
   * public repositories only (forge-facts.md, Listing repositories): for the token's own
   * account `/user/repos?affiliation=owner` lists the private ones too, for an App installation
   * `/installation/repositories` lists what it was granted; otherwise `note` says what is missing.
   */
  async ownerRepos(owner: string, call?: CallOptions): Promise<{ repos: RepoInfo[]; note?: string } | null> {
    const github = this.client.kind === 'github'
    const size: Record<string, string> = github ? { per_page: '100' } : { limit: '50' }
    const parse = (found: unknown[]) => found.map((r) => parseRepo(this.client.kind, r, `a repository of ${owner}`))
    const path = (kind: string) =>
      `/${kind}/${encodeURIComponent(owner)}/repos?${new URLSearchParams({ ...size, page: '1' })}`
    const org = await absentOn404(this.pages(path('orgs'), (data) => list(data, `GET /orgs/${owner}/repos`), call))
    if (org) return { repos: parse(org) }
    const user = await absentOn404(this.pages(path('users'), (data) => list(data, `GET /users/${owner}/repos`), call))
    if (!user) return null
    if (!github) return { repos: parse(user) }
    const own = await this.githubOwnRepos(owner, call)
    if (own) {
      // The public ones, and the private ones this token can reach, each once.
      const mine = parse(own).filter((r) => r.owner.toLowerCase() === owner.toLowerCase())
      const seen = new Set(mine.map((r) => r.fullName.toLowerCase()))
      return { repos: [...mine, ...parse(user).filter((r) => !seen.has(r.fullName.toLowerCase()))] }
    }
    return {
      repos: parse(user),
      note: `GitHub lists only the public repositories of the user ${owner} to this token: private ones are left out (list them by name)`
    }
  }

  /**
   * GitHub: the repositories of the token's own account, private ones included, or null when the
   * token is not `owner`'s. `GET /user` names a user token's account; an App installation token
   * gets 403 there and lists what it was granted from `/installation/repositories`.
   */
  private async githubOwnRepos(owner: string, call?: CallOptions): Promise<unknown[] | null> {
    let login: string
    try {
      login = String(object((await this.client.call('GET', '/user', call)).data, 'GET /user').login ?? '')
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 403) throw error
      const start = `/installation/repositories?${new URLSearchParams({ per_page: '100', page: '1' })}`
      return this.pages(
        start,
        (data) => list(object(data, 'GET /installation/repositories').repositories, 'installation repositories'),
        call,
        true
      )
    }
    if (login.toLowerCase() !== owner.toLowerCase()) return null
    const start = `/user/repos?${new URLSearchParams({ affiliation: 'owner', per_page: '100', page: '1' })}`
    return this.pages(start, (data) => list(data, 'GET /user/repos'), call)
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
            call,
            true
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
    const found = await this.pages(
      path,
      (data) => list(object(data, 'GET /repos/search').data, 'search data'),
      call,
      true
    )
    return found.map((r) => parseRepo(this.client.kind, r, 'a search result'))
  }

  /**
   * Every page of a listing, as long as `Link` names a next page (at most 200 pages). A page
   * may be short, or empty, with more to come: Gitea's owner listings count (and page by) every
   * repository of the owner, private ones the token cannot see included, and leave those out of
   * the page (routers/api/v1/user/repo.go listUserRepos, 1.22-1.25), so neither a page's length
   * nor X-Total-Count says when the listing ends; `Link` does. A search's count is made with the
   * access filter: there (and for GitHub search's 1000-result cap) a listing that ends short of
   * its count is an error.
   */
  private async pages(
    start: string,
    items: (data: unknown) => unknown[],
    call?: CallOptions,
    /** The count is made with the access filter (searches, an installation's grant): hold the listing to it. */
    counted = false
  ): Promise<unknown[]> {
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
      path = nextPage(answer.headers.link, path, page)
    }
    if (counted && total !== undefined && all.length < total) {
      throw new ApiError(
        0,
        `${start.replace(/\?.*/, '')} found ${total} but returned ${all.length}` +
          (this.client.kind === 'github'
            ? ' (GitHub search returns at most 1000 results: narrow it, or list an org)'
            : '')
      )
    }
    return all
  }
}

/**
 * The next page's path below the API, or null when `Link` names no `rel="next"`. Only what the
 * link says is taken, that there is a next page and its number, and the request goes through the
 * configured api-url: Gitea builds `Link` from its ROOT_URL (services/context/api.go
 * genAPILinks), which behind a proxy or another hostname names an origin the user never gave,
 * and the token is never sent there.
 */
function nextPage(link: string | string[] | undefined, current: string, page: number): string | null {
  const header = Array.isArray(link) ? link.join(',') : link
  const next = header?.split(',').find((part) => /rel="?next"?/.test(part))
  const target = next && /<([^>]+)>/.exec(next)?.[1]
  if (!target) return null
  const number = Number(new URL(target, 'http://link.invalid').searchParams.get('page'))
  if (!Number.isInteger(number) || number <= page)
    throw new ApiError(
      0,
      `the forge's next-page link names no later page (${page} → ${number || 'none'}); not followed`
    )
  const [path, query = ''] = current.split('?')
  const params = new URLSearchParams(query)
  params.set('page', String(number))
  return `${path}?${params}`
}
