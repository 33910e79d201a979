import type { FlavourFacts } from '../flavours.js'
import type { RepoMeta, RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'
import { ActionsApi } from './actions.js'
import { ContentsApi } from './contents.js'
import { GitDataApi } from './git-data.js'
import { GraphqlQueries } from './graphql-queries.js'
import { ListingApi } from './listing.js'
import type { GithubState } from './github-state.js'
import { PullMergeApi } from './pull-merge.js'
import { PullsApi } from './pulls.js'
import { ReposApi } from './repos.js'

export interface ApiRequest {
  method: string
  /** Below the API base: `/repos/acme/tpl/contents/x`. */
  path: string
  query: URLSearchParams
  body: unknown
  /** A GitHub App installation token's owner: the only owner whose repositories it sees. */
  scope?: string
}

type Json = Record<string, unknown>
const segments = (text: string) => text.split('/').map(decodeURIComponent).join('/')

/**
 * The REST subset the action uses, routed as the flavour has it: Gitea/Forgejo `/api/v1` with
 * `/version`, `POST /branches` and `GET /pulls/{base}/{head}`; GitHub with `/rate_limit`,
 * `POST /git/refs` and `/repositories/{id}` (where its renames redirect). An old name of a
 * renamed repository answers the flavour's redirect; an unknown route answers its 404.
 */
export class RestApi {
  readonly repos: ReposApi
  readonly contents: ContentsApi
  readonly pulls: PullsApi
  readonly listing: ListingApi
  readonly actions: ActionsApi
  readonly gitData: GitDataApi
  readonly merges: PullMergeApi
  readonly queries: GraphqlQueries

  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string,
    private readonly github: GithubState
  ) {
    this.repos = new ReposApi(store, facts, baseUrl, github)
    this.contents = new ContentsApi(store, facts, baseUrl, github)
    this.pulls = new PullsApi(store, facts, baseUrl)
    this.listing = new ListingApi(store, facts, baseUrl, this.repos)
    this.actions = new ActionsApi(store, facts, baseUrl)
    this.merges = new PullMergeApi(store, facts, baseUrl)
    this.queries = new GraphqlQueries(store, github)
    this.gitData = new GitDataApi(store, facts, baseUrl, github, (name) => this.contents.takeRace(name))
  }

  async handle(req: ApiRequest): Promise<ApiAnswer> {
    const { method, path, query } = req
    const github = this.facts.family === 'github'
    if (method === 'GET' && path === '/version' && !github) return ok({ version: this.facts.version })
    if (method === 'GET' && path === '/user') return this.repos.user()
    // GHES with its rate limits off (the default): 404 "Rate limiting is not enabled." (docs, forge-facts.md).
    if (method === 'GET' && path === '/rate_limit' && github && this.facts.rateLimits === false)
      return errorAnswer(this.facts, this.baseUrl, 404, 'Rate limiting is not enabled.')
    if (method === 'GET' && path === '/rate_limit' && github) return this.repos.rateLimit()
    if (method === 'POST' && path === '/graphql' && github) {
      const body = (req.body ?? {}) as Json
      return /^\s*mutation\b/.test(String(body.query ?? ''))
        ? this.merges.graphql(body)
        : this.queries.answer(body, req.scope)
    }
    const orgLabels = github ? null : /^\/orgs\/([^/]+)\/labels$/.exec(path)
    if (method === 'GET' && orgLabels) return this.pulls.listLabels(null, decodeURIComponent(orgLabels[1]), query)
    const owned = /^\/(orgs|users)\/([^/]+)\/repos$/.exec(path)
    if (method === 'GET' && owned)
      return this.listing.ownerRepos(owned[1] as 'orgs' | 'users', decodeURIComponent(owned[2]), path, query)
    const user = github ? null : /^\/users\/([^/]+)$/.exec(path)
    if (method === 'GET' && user) return this.listing.user(decodeURIComponent(user[1]))
    if (method === 'GET' && path === '/repos/search' && !github) return this.listing.search(path, query)
    if (method === 'GET' && path === '/user/repos') return this.listing.tokenUserRepos(path, query)
    if (method === 'GET' && path === '/installation/repositories' && github)
      return this.listing.installationRepos(path, query)
    if (method === 'GET' && path === '/search/repositories' && github) return this.listing.githubSearch(path, query)
    const byId = github ? /^\/repositories\/(\d+)(\/.*)?$/.exec(path) : null
    if (byId) {
      const meta = this.store.byId(Number(byId[1]))
      return meta ? this.repo(meta, byId[2] ?? '', req) : notFound(this.facts, this.baseUrl, 'repo')
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path)
    if (!m) return notFound(this.facts, this.baseUrl, 'repo')
    const [owner, name, rest = ''] = [decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3]]
    const meta = this.store.find(owner, name)
    // A private repository the token cannot see is a 404, as on every forge.
    if (meta && !meta.hidden) return this.repo(meta, rest, req)
    if (meta) return notFound(this.facts, this.baseUrl, 'repo')
    const moved = this.store.movedTo(owner, name)
    return moved ? this.redirect(moved, rest, query) : notFound(this.facts, this.baseUrl, 'repo')
  }

  /** What a bump pull request needs beyond create, list and find; null when the route is not one of them. */
  private async pullRoute(
    meta: RepoMeta,
    method: string,
    rest: string,
    body: Json,
    query: URLSearchParams
  ): Promise<ApiAnswer | null> {
    const github = this.facts.family === 'github'
    const m = /^\/(pulls|issues)\/(\d+)(\/[a-z_]+)?$/.exec(rest)
    if (m) {
      const [, kind, n, tail = ''] = m
      const number = Number(n)
      const route = `${method} ${kind}${tail}`
      if (route === 'PATCH pulls') return this.pulls.edit(meta, number, body)
      if (route === 'POST issues/comments') return this.pulls.comment(meta, number, body)
      if (route === 'GET pulls/commits') return this.pulls.commits(meta, number)
      if (route === 'POST issues/labels') return this.pulls.labels(meta, number, body)
      if (route === 'POST pulls/requested_reviewers') return this.pulls.reviewers(meta, number, body)
      if (route === 'GET pulls/reviews') return this.pulls.reviews(meta, number)
      if (route === 'POST issues/assignees' && github)
        return this.pulls.assignees(meta, number, body, this.github.withoutPush)
      if (route === (github ? 'PUT pulls/merge' : 'POST pulls/merge')) return this.merges.merge(meta, number, body)
    }
    if (method === 'GET' && rest === '/labels' && !github) return this.pulls.listLabels(meta, undefined, query)
    const gone = (github ? /^\/git\/refs\/heads\/(.+)$/ : /^\/branches\/(.+)$/).exec(rest)
    if (method === 'DELETE' && gone) return this.repos.deleteBranch(meta, segments(gone[1]))
    return null
  }

  /** Gitea/Forgejo: 301 or 307 to a root-relative path; GitHub: 301 to an absolute /repositories/{id}. */
  private redirect(meta: RepoMeta, rest: string, query: URLSearchParams): ApiAnswer {
    const suffix = `${rest}${[...query].length > 0 ? `?${query}` : ''}`
    const location = this.facts.absoluteRedirect
      ? `${this.baseUrl}${this.facts.apiBase}/repositories/${meta.id}${suffix}`
      : `${this.facts.apiBase}/repos/${meta.owner}/${meta.name}${suffix}`
    return {
      status: this.facts.redirectStatus,
      headers: { Location: location },
      body: { message: 'Moved Permanently', url: location }
    }
  }

  private async repo(meta: RepoMeta, rest: string, req: ApiRequest): Promise<ApiAnswer> {
    const { method, query } = req
    const body = (req.body ?? {}) as Json
    const github = this.facts.family === 'github'
    if (method === 'GET' && rest === '') return this.repos.repository(meta)
    const actions = method === 'GET' ? await this.actions.handle(meta, rest, query) : null
    if (actions) return actions
    const branch = /^\/branches\/(.+)$/.exec(rest)
    if (method === 'GET' && branch) return this.repos.branch(meta, segments(branch[1]))
    if (method === 'POST' && rest === (github ? '/git/refs' : '/branches')) return this.repos.createBranch(meta, body)
    const commit = (github ? /^\/commits\/(.+)$/ : /^\/git\/commits\/(.+)$/).exec(rest)
    if (commit && method === 'GET') return this.repos.commit(meta, segments(commit[1]))
    const data = github ? await this.gitData.handle(meta, method, rest, body) : null
    if (data) return data
    if (rest === '/contents' && method === 'POST' && !github) return this.contents.writeFiles(meta, body)
    const contents = /^\/contents\/(.+)$/.exec(rest)
    if (contents && method === 'GET')
      return this.contents.read(meta, segments(contents[1]), query.get('ref') || meta.defaultBranch!)
    if (contents && (method === 'PUT' || method === 'POST'))
      return this.contents.write(meta, method, segments(contents[1]), body)
    const pulled = await this.pullRoute(meta, method, rest, body, query)
    if (pulled) return pulled
    if (rest === '/pulls' && method === 'POST') return this.pulls.create(meta, body)
    if (rest === '/pulls' && method === 'GET') return this.pulls.list(meta, query)
    const pull = /^\/pulls\/(\d+)$/.exec(rest)
    if (pull && method === 'GET') return this.pulls.byNumber(meta, Number(pull[1]))
    const between = github ? null : /^\/pulls\/([^/]+)\/(.+)$/.exec(rest)
    if (between && method === 'GET') return this.pulls.find(meta, decodeURIComponent(between[1]), segments(between[2]))
    return notFound(this.facts, this.baseUrl, 'repo')
  }
}
