import type { RepoMeta, RepoStore } from './repo-store.js'

export interface ApiAnswer {
  status: number
  body: unknown
}

/** Gitea's error bodies: `{message, url, errors}`. */
export function apiError(status: number, message: string, baseUrl: string, errors: string[] = []): ApiAnswer {
  return { status, body: { errors, message, url: `${baseUrl}/api/swagger` } }
}

const notFound = (baseUrl: string, errors: string[] = []) =>
  apiError(404, "The target couldn't be found.", baseUrl, errors)

/**
 * The subset of Gitea's REST API the action uses, answered from the bare repositories
 * (never canned): repository, branch and contents.
 */
export class GiteaApi {
  /** 'github' answers a duplicate pull request the way GitHub does (422), else Gitea's 409. */
  flavor: 'gitea' | 'github' = 'gitea'

  constructor(
    private readonly store: RepoStore,
    private readonly baseUrl: string
  ) {}

  async handle(
    method: string,
    path: string,
    query: URLSearchParams,
    authenticated: boolean,
    body?: unknown
  ): Promise<ApiAnswer> {
    if (method === 'GET' && path === '/user' && authenticated) {
      return { status: 200, body: { id: 1, login: 'cascade-bot', full_name: '', email: 'cascade-bot@example.com' } }
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path)
    if (!m) return notFound(this.baseUrl)
    const meta = this.store.find(decodeURIComponent(m[1]), decodeURIComponent(m[2]))
    if (!meta) return notFound(this.baseUrl)
    const rest = m[3] ?? ''
    if (method === 'GET' && rest === '') return { status: 200, body: await this.repository(meta, authenticated) }
    const branch = /^\/branches\/(.+)$/.exec(rest)
    if (method === 'GET' && branch) return this.branch(meta, decodeURIComponent(branch[1]))
    const contents = /^\/contents\/(.+)$/.exec(rest)
    if (method === 'GET' && contents) {
      const file = contents[1].split('/').map(decodeURIComponent).join('/')
      return this.contents(meta, file, query.get('ref') || meta.defaultBranch!)
    }
    if (rest === '/pulls' && method === 'POST')
      return this.createPull(meta, body as Record<string, unknown> | undefined)
    if (rest === '/pulls' && method === 'GET') return this.listPulls(meta, query)
    const pull = /^\/pulls\/(\d+)$/.exec(rest)
    if (pull && method === 'GET') {
      const found = meta.pulls.find((p) => p.number === Number(pull[1]))
      return found ? { status: 200, body: this.pullJson(meta, found) } : notFound(this.baseUrl)
    }
    return notFound(this.baseUrl)
  }

  private async createPull(meta: RepoMeta, body: Record<string, unknown> | undefined): Promise<ApiAnswer> {
    const head = String(body?.head ?? '')
    const base = String(body?.base ?? '')
    const title = String(body?.title ?? '')
    if (!head || !base || !title)
      return apiError(422, 'Validation failed: head, base and title are required', this.baseUrl)
    if (!(await this.store.tip(meta, head)) || !(await this.store.tip(meta, base))) return notFound(this.baseUrl)
    const existing = meta.pulls.find((p) => p.state === 'open' && p.head === head && p.base === base)
    if (existing) {
      if (this.flavor === 'github') {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${meta.owner}:${head}.`
              }
            ],
            documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request'
          }
        }
      }
      const detail = `[id: ${existing.number}, issue_id: ${existing.number}, head_repo_id: ${meta.id}, base_repo_id: ${meta.id}, head_branch: ${head}, base_branch: ${base}]`
      return apiError(409, `pull request already exists for these targets ${detail}`, this.baseUrl)
    }
    const created = {
      number: meta.pulls.length + 1,
      head,
      base,
      title,
      body: String(body?.body ?? ''),
      state: 'open' as const
    }
    meta.pulls.push(created)
    return { status: 201, body: this.pullJson(meta, created) }
  }

  /** Gitea pages with `limit` (at most 50), GitHub with `per_page`; neither filters by head here. */
  private listPulls(meta: RepoMeta, query: URLSearchParams): ApiAnswer {
    const state = query.get('state') ?? 'open'
    const size = Math.min(50, Number(query.get('limit') ?? query.get('per_page') ?? 30))
    const page = Math.max(1, Number(query.get('page') ?? 1))
    const all = meta.pulls.filter((p) => state === 'all' || p.state === state).sort((a, b) => b.number - a.number)
    return { status: 200, body: all.slice((page - 1) * size, page * size).map((p) => this.pullJson(meta, p)) }
  }

  private pullJson(
    meta: RepoMeta,
    pull: { number: number; head: string; base: string; title: string; body: string; state: string }
  ): Record<string, unknown> {
    const html = `${this.baseUrl}/${meta.fullName}/pulls/${pull.number}`
    return {
      id: meta.id * 1000 + pull.number,
      number: pull.number,
      url: `${this.baseUrl}/api/v1/repos/${meta.fullName}/pulls/${pull.number}`,
      html_url: html,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      head: { label: pull.head, ref: pull.head, repo: { full_name: meta.fullName } },
      base: { label: pull.base, ref: pull.base, repo: { full_name: meta.fullName } }
    }
  }

  private async repository(meta: RepoMeta, authenticated: boolean): Promise<Record<string, unknown>> {
    const empty = !(await this.store.hasCommits(meta))
    const html = `${this.baseUrl}/${meta.fullName}`
    return {
      id: meta.id,
      owner: { id: meta.id + 1000, login: meta.owner, username: meta.owner, full_name: '', email: '' },
      name: meta.name,
      full_name: meta.fullName,
      description: '',
      empty,
      private: false,
      fork: false,
      template: false,
      parent: null,
      mirror: meta.mirror === true,
      size: 24,
      html_url: html,
      clone_url: `${html}.git`,
      default_branch: meta.defaultBranch,
      archived: meta.archived === true,
      permissions: { admin: false, push: authenticated && !meta.readOnly, pull: true },
      object_format_name: 'sha1'
    }
  }

  private async branch(meta: RepoMeta, name: string): Promise<ApiAnswer> {
    const sha = await this.store.tip(meta, name)
    if (!sha) return apiError(404, 'branch does not exist', this.baseUrl, [`branch does not exist [name: ${name}]`])
    return { status: 200, body: { name, commit: { id: sha }, protected: meta.declineWith !== undefined } }
  }

  private async contents(meta: RepoMeta, path: string, ref: string): Promise<ApiAnswer> {
    const commit = (await this.store.tip(meta, ref)) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : null)
    if (!commit) return notFound(this.baseUrl, [`no such ref: ${ref}`])
    const entry = (await this.store.listing(meta, commit)).get(path)
    if (!entry) return notFound(this.baseUrl, [`object does not exist [id: , rel_path: ${path}]`])
    const { type, sha } = entry
    const name = path.split('/').pop()
    if (type === 'tree') {
      return { status: 200, body: [] }
    }
    const content = await this.store.blob(meta, sha)
    return {
      status: 200,
      body: {
        name,
        path,
        sha,
        last_commit_sha: commit,
        type: 'file',
        size: content.length,
        encoding: 'base64',
        content: content.toString('base64'),
        target: null,
        url: `${this.baseUrl}/api/v1/repos/${meta.fullName}/contents/${path}?ref=${ref}`,
        download_url: `${this.baseUrl}/${meta.fullName}/raw/branch/${ref}/${path}`,
        submodule_git_url: null
      }
    }
  }
}
