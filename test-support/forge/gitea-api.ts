import type { RepoMeta, RepoStore } from './repo-store.js'

export interface ApiAnswer {
  status: number
  body: unknown
}

/** Gitea's error bodies: `{message, url, errors}`. */
export function apiError(status: number, message: string, baseUrl: string, errors: string[] = []): ApiAnswer {
  return { status, body: { errors, message, url: `${baseUrl}/api/swagger` } }
}

const notFound = (baseUrl: string, errors: string[] = []) => apiError(404, "The target couldn't be found.", baseUrl, errors)

/**
 * The subset of Gitea's REST API the action uses, answered from the bare repositories
 * (never canned): repository, branch and contents.
 */
export class GiteaApi {
  constructor(
    private readonly store: RepoStore,
    private readonly baseUrl: string
  ) {}

  async handle(method: string, path: string, query: URLSearchParams, authenticated: boolean): Promise<ApiAnswer> {
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
    return notFound(this.baseUrl)
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
