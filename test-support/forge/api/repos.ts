import type { FlavourFacts } from '../flavours.js'
import type { RepoMeta, RepoStore } from '../repo-store.js'
import { createBranch } from '../repo-writes.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'
import type { GithubState } from './github-state.js'

/** The repository and branch endpoints, answered from the bare repositories. */
export class ReposApi {
  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string,
    private readonly github: GithubState
  ) {}

  /**
   * `GET /repos/{o}/{r}`. Gitea/Forgejo: `empty`, `mirror` and `permissions` always present
   * (push is the user's permission). GitHub: `mirror_url`, no `empty`; `permissions` absent for
   * the runner's token, and `push: false` for an App installation token that can push.
   */
  async repository(meta: RepoMeta): Promise<ApiAnswer> {
    const html = `${this.baseUrl}/${meta.fullName}`
    const common = {
      id: meta.id,
      name: meta.name,
      full_name: meta.fullName,
      description: '',
      private: meta.private === true || meta.hidden === true,
      fork: meta.fork === true,
      html_url: html,
      clone_url: `${html}.git`,
      default_branch: meta.defaultBranch,
      archived: meta.archived === true,
      // Gitea 1.22's repository JSON has no topics (added in 1.23, #31127).
      ...(this.facts.repoTopics ? { topics: meta.topics ?? [] } : {})
    }
    if (this.facts.family === 'github') {
      const kind = this.github.tokenKind
      const body: Record<string, unknown> = {
        ...common,
        owner: {
          login: meta.owner,
          id: meta.id + 1000,
          type: this.store.users.has(meta.owner) ? 'User' : 'Organization'
        },
        mirror_url: meta.mirror ? `https://mirror.example/${meta.fullName}.git` : null,
        size: (await this.store.hasCommits(meta)) ? 24 : 0
      }
      if (kind !== 'runner') {
        const push = kind === 'app' ? false : !meta.readOnly
        body.permissions = { admin: false, maintain: false, push, triage: push, pull: true }
      }
      return ok(body)
    }
    return ok({
      ...common,
      owner: { id: meta.id + 1000, login: meta.owner, full_name: '', email: '' },
      empty: !(await this.store.hasCommits(meta)),
      template: false,
      parent: null,
      mirror: meta.mirror === true,
      size: 24,
      permissions: { admin: false, push: !meta.readOnly, pull: true },
      object_format_name: 'sha1'
    })
  }

  /** `GET /repos/{o}/{r}/branches/{b}`: Gitea commit {id, message, author}; GitHub commit {sha, commit{message, tree}, parents}. */
  async branch(meta: RepoMeta, name: string): Promise<ApiAnswer> {
    const sha = await this.store.tip(meta, name)
    if (!sha) return notFound(this.facts, this.baseUrl, 'branch', [`branch does not exist [name: ${name}]`])
    const info = await this.store.commitInfo(meta, sha)
    const author = { name: info.authorName, email: info.authorEmail }
    const isProtected = meta.protectBranch === name
    if (this.facts.family === 'github') {
      return ok({
        name,
        commit: {
          sha,
          commit: { author, message: info.message, tree: { sha: info.tree, url: this.treeUrl(meta, info.tree) } },
          parents: info.parents.map((p) => ({ sha: p }))
        },
        protected: isProtected
      })
    }
    return ok({
      name,
      commit: { id: sha, message: info.message, author: { ...author, username: '' } },
      protected: isProtected
    })
  }

  private treeUrl(meta: RepoMeta, tree: string): string {
    return `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/git/trees/${tree}`
  }

  /** A commit by sha or ref: Gitea `GET /git/commits/{sha}`, GitHub `GET /commits/{ref}`; with parents. */
  async commit(meta: RepoMeta, ref: string): Promise<ApiAnswer> {
    const sha = (await this.store.tip(meta, ref)) ?? (await this.store.resolve(meta, ref))
    if (!sha) return notFound(this.facts, this.baseUrl, 'repo')
    const info = await this.store.commitInfo(meta, sha)
    const author = { name: info.authorName, email: info.authorEmail }
    return ok({ sha, commit: { author, message: info.message }, parents: info.parents.map((p) => ({ sha: p })) })
  }

  /**
   * Creating a branch: Gitea `POST /branches` {new_branch_name, old_branch_name}, GitHub
   * `POST /git/refs` {ref, sha} (422 "Reference already exists"). Gitea refuses a name it cannot
   * give with one of three 409s (routers/api/v1/repo/branch.go CreateBranch and
   * services/repository/branch.go checkBranchName, release/v1.22-v1.25; Forgejo the same): the
   * branch exists, "The branch with the same name already exists." when a branch `a` blocks
   * `a/b` (or the reverse), "The branch with the same tag already exists.". What GitHub answers
   * for such a conflict is not documented: its flavour gives the generic 422 its spec declares.
   */
  async createBranch(meta: RepoMeta, body: Record<string, unknown>): Promise<ApiAnswer> {
    const github = this.facts.family === 'github'
    const name = github ? String(body.ref ?? '').replace(/^refs\/heads\//, '') : String(body.new_branch_name ?? '')
    const from = github
      ? String(body.sha ?? '')
      : ((await this.store.tip(meta, String(body.old_ref_name ?? body.old_branch_name ?? meta.defaultBranch))) ?? '')
    if (!name || !/^[0-9a-f]{40}$/.test(from)) return errorAnswer(this.facts, this.baseUrl, 422, 'Validation Failed')
    const clash = await this.nameClash(meta, name)
    if (clash === 'exists') {
      return github
        ? errorAnswer(this.facts, this.baseUrl, 422, 'Reference already exists')
        : errorAnswer(this.facts, this.baseUrl, 409, 'The branch already exists.')
    }
    if (clash !== null) {
      if (github) return errorAnswer(this.facts, this.baseUrl, 422, 'Validation Failed')
      const text =
        clash === 'tag'
          ? 'The branch with the same tag already exists.'
          : 'The branch with the same name already exists.'
      return errorAnswer(this.facts, this.baseUrl, 409, text)
    }
    if (!(await createBranch(this.store, meta, name, from)))
      return errorAnswer(this.facts, this.baseUrl, 409, 'The branch already exists.')
    return github
      ? ok({ ref: `refs/heads/${name}`, object: { sha: from, type: 'commit' } }, 201)
      : this.branch(meta, name).then((a) => ({ ...a, status: 201 }))
  }

  /** Gitea `DELETE /branches/{b}`, GitHub `DELETE /git/refs/heads/{b}`: 204; an unknown branch 404 (GitHub 422). */
  async deleteBranch(meta: RepoMeta, name: string): Promise<ApiAnswer> {
    const github = this.facts.family === 'github'
    if (!(await this.store.tip(meta, name)))
      return github
        ? errorAnswer(this.facts, this.baseUrl, 422, 'Reference does not exist')
        : notFound(this.facts, this.baseUrl, 'branch', [`branch does not exist [name: ${name}]`])
    await this.store.git(meta.dir, ['update-ref', '-d', `refs/heads/${name}`])
    return { status: 204 }
  }

  /** Gitea's checkBranchName, in its order: exact branch, a/b against a, a tag of that name. */
  private async nameClash(meta: RepoMeta, name: string): Promise<'exists' | 'name' | 'tag' | null> {
    for (const ref of await this.store.refs(meta)) {
      const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null
      if (branch === name) return 'exists'
      if (branch !== null && (branch.startsWith(`${name}/`) || name.startsWith(`${branch}/`))) return 'name'
      if (ref === `refs/tags/${name}`) return 'tag'
    }
    return null
  }

  /** `GET /user`: Gitea the token's user; GitHub the same, except 403 for an App installation token. */
  user(): ApiAnswer {
    if (this.facts.family === 'github' && this.github.tokenKind === 'app') {
      return errorAnswer(this.facts, this.baseUrl, 403, 'Resource not accessible by integration')
    }
    // GitHub's private-user has `name`; Gitea's User `full_name`.
    if (this.facts.family === 'github')
      return ok({ id: 1, login: 'cascade-bot', name: 'Cascade Bot', email: 'cascade-bot@example.com', type: 'User' })
    return ok({ id: 1, login: 'cascade-bot', full_name: '', email: 'cascade-bot@example.com' })
  }

  /** GitHub `GET /rate_limit`: the core quota, costing none of it. */
  rateLimit(): ApiAnswer {
    const core = {
      limit: this.github.limit,
      remaining: this.github.remaining,
      reset: this.github.resetAt,
      used: this.github.limit - this.github.remaining
    }
    return ok({
      resources: {
        core,
        search: { limit: 30, remaining: 30, reset: this.github.resetAt, used: 0 },
        graphql: {
          limit: this.github.limit,
          remaining: this.github.graphqlRemaining,
          reset: this.github.resetAt,
          used: this.github.limit - this.github.graphqlRemaining
        }
      },
      rate: core
    })
  }
}
