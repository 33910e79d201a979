import type { FlavourFacts } from '../flavours.js'
import { commitBody, updateRef, writeObject, writeTree } from '../git-objects.js'
import { ident, type RepoMeta, type RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'
import { person, SIGNED_GITHUB, TOKEN_USER, UNSIGNED_GITHUB, writeRefusal } from './contents.js'
import type { GithubState } from './github-state.js'

type Json = Record<string, unknown>

/**
 * GitHub's Git Data API, the part a several-files commit uses (forge-facts.md, Contents API;
 * operations and shapes from @octokit/openapi's description): `GET /git/trees/{sha}` (one
 * level), `POST /git/trees` on a `base_tree`, `POST /git/commits`, and `PATCH
 * /git/refs/heads/{b}`, which with `force: false` refuses 422 "Update is not a fast forward"
 * when the branch moved. Archived and read-only repositories refuse every write as the
 * contents API does. GitHub only: Gitea's API has no tree or commit creation.
 */
export class GitDataApi {
  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string,
    private readonly github: GithubState,
    /** The race a test set up for the next write to this repository (see ContentsApi). */
    private readonly takeRace: (fullName: string) => (() => Promise<void>) | undefined
  ) {}

  async handle(meta: RepoMeta, method: string, rest: string, body: Json): Promise<ApiAnswer | null> {
    const tree = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest)
    if (method === 'GET' && tree) return this.readTree(meta, tree[1])
    if (method === 'GET') return null
    const refused = writeRefusal(this.facts, this.baseUrl, this.github, meta)
    if (method === 'POST' && rest === '/git/trees') return refused ?? this.createTree(meta, body)
    if (method === 'POST' && rest === '/git/commits') return refused ?? this.createCommit(meta, body)
    const ref = /^\/git\/refs\/heads\/(.+)$/.exec(rest)
    if (method === 'PATCH' && ref)
      return refused ?? this.moveRef(meta, ref[1].split('/').map(decodeURIComponent).join('/'), body)
    return null
  }

  private async readTree(meta: RepoMeta, sha: string): Promise<ApiAnswer> {
    let out: string
    try {
      out = await this.store.git(meta.dir, ['ls-tree', '-z', sha])
    } catch {
      return notFound(this.facts, this.baseUrl, 'repo')
    }
    const tree = out
      .split('\0')
      .map((row) => /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(row))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, mode, type, id, path]) => ({ path, mode, type, sha: id, url: this.url(meta, `git/${type}s/${id}`) }))
    return ok({ sha, url: this.url(meta, `git/trees/${sha}`), tree, truncated: false })
  }

  private async createTree(meta: RepoMeta, body: Json): Promise<ApiAnswer> {
    const base = typeof body.base_tree === 'string' ? await this.store.listing(meta, body.base_tree) : new Map()
    const rows = Array.isArray(body.tree) ? (body.tree as Json[]) : []
    const files = Object.fromEntries(rows.map((r) => [String(r.path), Buffer.from(String(r.content ?? ''), 'utf8')]))
    const modes = Object.fromEntries(rows.map((r) => [String(r.path), String(r.mode ?? '100644')]))
    const { tree } = await writeTree(meta.dir, base, files, modes)
    const entries = rows.map((r) => ({ path: String(r.path), mode: String(r.mode), type: 'blob', sha: '' }))
    return ok({ sha: tree, url: this.url(meta, `git/trees/${tree}`), tree: entries, truncated: false }, 201)
  }

  private async createCommit(meta: RepoMeta, body: Json): Promise<ApiAnswer> {
    const author = person(body.author) ?? TOKEN_USER
    const committer = person(body.committer) ?? TOKEN_USER
    const parents = Array.isArray(body.parents) ? body.parents.map(String) : []
    const tree = String(body.tree ?? '')
    const message = String(body.message ?? '')
    const sha = await writeObject(
      meta.dir,
      'commit',
      commitBody(tree, parents, ident(author), ident(committer), message)
    )
    const date = new Date().toISOString()
    return ok(
      {
        sha,
        node_id: `C_${sha.slice(0, 12)}`,
        url: this.url(meta, `git/commits/${sha}`),
        html_url: `${this.baseUrl}/${meta.fullName}/commit/${sha}`,
        author: { ...author, date },
        committer: { ...committer, date },
        message,
        tree: { sha: tree, url: this.url(meta, `git/trees/${tree}`) },
        parents: parents.map((p) => ({ sha: p, url: this.url(meta, `git/commits/${p}`), html_url: '' })),
        verification: this.github.signs(this.facts, body) ? SIGNED_GITHUB : UNSIGNED_GITHUB
      },
      201
    )
  }

  /** Moves the branch to `sha`; without `force`, only as a fast-forward, compare-and-swap. */
  private async moveRef(meta: RepoMeta, branch: string, body: Json): Promise<ApiAnswer> {
    const sha = String(body.sha ?? '')
    await this.takeRace(meta.fullName)?.()
    const tip = await this.store.tip(meta, branch)
    // 422 "Reference does not exist" (a public report: solana-foundation/solana-developer-platform#602).
    if (!tip) return errorAnswer(this.facts, this.baseUrl, 422, 'Reference does not exist')
    // A protected branch refuses the ref update in the contents API's words (as quoted by
    // googleapis/repo-automation-bots#5551); 422 is the status the description declares.
    if (meta.protectBranch === branch)
      return errorAnswer(this.facts, this.baseUrl, 422, 'Changes must be made through a pull request.')
    const forward = await this.store
      .git(meta.dir, ['merge-base', '--is-ancestor', tip, sha])
      .then(() => true)
      .catch(() => false)
    const refused = () => errorAnswer(this.facts, this.baseUrl, 422, 'Update is not a fast forward')
    if (!forward && body.force !== true) return refused()
    if (!(await updateRef(meta.dir, `refs/heads/${branch}`, sha, tip, () => this.store.tip(meta, branch))))
      return refused()
    this.store.pushed(meta, branch, sha)
    const ref = `refs/heads/${branch}`
    return ok({
      ref,
      node_id: `REF_${sha.slice(0, 12)}`,
      url: this.url(meta, `git/${ref}`),
      object: { type: 'commit', sha, url: this.url(meta, `git/commits/${sha}`) }
    })
  }

  private url(meta: RepoMeta, rest: string): string {
    return `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/${rest}`
  }
}
