import { posix } from 'node:path'
import type { FlavourFacts } from '../flavours.js'
import type { RepoMeta, RepoStore } from '../repo-store.js'
import { writeFile } from '../repo-writes.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'
import type { GithubState } from './github-state.js'

/** The contents endpoints: reads from the bare repositories, writes as real commits. */
export class ContentsApi {
  private readonly races = new Map<string, () => Promise<void>>()

  /**
   * The next contents write to `fullName` meets a push: `push` runs after the write read the
   * branch's tip and before it moves the ref, so the write's compare-and-swap fails as a real
   * forge's does (Gitea 500, GitHub 409 "is at X but expected Y").
   */
  raceNextWrite(fullName: string, push: () => Promise<void>): void {
    this.races.set(fullName.toLowerCase(), push)
  }

  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string,
    private readonly github: GithubState
  ) {}

  /** `GET /contents/{path}?ref=`: a file inlined as base64, a directory as a list. */
  async read(meta: RepoMeta, path: string, ref: string): Promise<ApiAnswer> {
    if (this.facts.family === 'github' && !(await this.store.hasCommits(meta))) {
      return errorAnswer(this.facts, this.baseUrl, 404, 'This repository is empty.')
    }
    const commit = (await this.store.tip(meta, ref)) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : null)
    if (!commit) return notFound(this.facts, this.baseUrl, 'contents', [`no such ref: ${ref}`])
    const listing = await this.store.listing(meta, commit)
    let entry = listing.get(path)
    if (!entry)
      return notFound(this.facts, this.baseUrl, 'contents', [`object does not exist [id: , rel_path: ${path}]`])
    if (entry.type === 'tree') return ok([])
    if (entry.mode === '120000') {
      const target = (await this.store.blob(meta, entry.sha)).toString('utf8')
      const resolved = posix.normalize(posix.join(posix.dirname(path), target))
      const pointed = listing.get(resolved)
      // GitHub answers a symlink to a file with that file, under the file's own path (forge-facts.md,
      // Contents API); Gitea with the link itself, type "symlink", its target and no content.
      if (this.facts.family === 'github' && pointed?.type === 'blob') {
        entry = pointed
        path = resolved
      } else {
        return ok({
          name: path.split('/').pop(),
          path,
          sha: entry.sha,
          type: 'symlink',
          size: target.length,
          target,
          encoding: null,
          content: null
        })
      }
    }
    const content = await this.store.blob(meta, entry.sha)
    return ok({
      name: path.split('/').pop(),
      path,
      sha: entry.sha,
      // Gitea's ContentsResponse names the commit it read; GitHub's content-file does not.
      ...(this.facts.family === 'github' ? {} : { last_commit_sha: commit }),
      type: 'file',
      size: content.length,
      encoding: 'base64',
      content: content.toString('base64'),
      url: `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/contents/${path}?ref=${ref}`,
      download_url: `${this.baseUrl}/${meta.fullName}/raw/branch/${ref}/${path}`
    })
  }

  /**
   * Gitea/Forgejo: `PUT` updates (sha required: "[SHA]: Required" without), `POST` creates.
   * GitHub: `PUT` does both (sha required to update). Refusals and conflicts with each family's
   * status and text: stale sha Gitea 422 "sha does not match [given: X, expected: Y]", GitHub 409
   * "<path> does not match <sha>"; protected branch Gitea 403 "user cannot commit to repo",
   * GitHub 409; archived Gitea 423, GitHub 403; no write permission 403; a declining hook 403
   * with its text; a push racing the write 500.
   */
  async write(meta: RepoMeta, method: 'PUT' | 'POST', path: string, body: Record<string, unknown>): Promise<ApiAnswer> {
    const github = this.facts.family === 'github'
    const fail = (status: number, message: string) => errorAnswer(this.facts, this.baseUrl, status, message)
    if (github && method === 'POST') return fail(404, 'Not Found')
    const branch = String(body.branch ?? meta.defaultBranch)
    const sha = typeof body.sha === 'string' ? body.sha : undefined
    if (!github && method === 'PUT' && sha === undefined) return fail(422, '[SHA]: Required')
    if (typeof body.content !== 'string' || typeof body.message !== 'string') return fail(422, 'Validation Failed')
    if (meta.archived)
      return github
        ? fail(403, 'Repository was archived so is read-only.')
        : fail(423, `<Repository ${meta.id}:${meta.fullName}> is archived`)
    if (meta.readOnly) {
      if (!github) return fail(403, 'user should have a permission to write to this branch')
      return fail(
        403,
        this.github.tokenKind === 'pat'
          ? 'Resource not accessible by personal access token'
          : 'Resource not accessible by integration'
      )
    }
    // Branch protection is checked before the hook runs.
    if (meta.protectBranch === branch) {
      return github
        ? fail(409, 'Could not update file: Changes must be made through a pull request.')
        : fail(403, 'user cannot commit to repo [user: cascade-bot]')
    }
    const author = person(body.author) ?? { name: 'cascade-bot', email: 'cascade-bot@example.com' }
    // Committer when not given: Gitea the author, GitHub the token's user.
    const committer =
      person(body.committer) ?? (github ? { name: 'cascade-bot', email: 'cascade-bot@example.com' } : author)
    const outcome = await writeFile(this.store, meta, {
      branch,
      path,
      bytes: Buffer.from(body.content, 'base64'),
      message: body.message,
      author,
      committer,
      expect: method === 'POST' ? null : (sha ?? null),
      beforeUpdate: this.takeRace(meta.fullName)
    })
    switch (outcome.kind) {
      case 'no-branch':
        return notFound(this.facts, this.baseUrl, 'branch', [`branch does not exist [name: ${branch}]`])
      case 'stale':
        return github
          ? fail(409, `${path} does not match ${sha}`)
          : fail(422, `sha does not match [given: ${sha}, expected: ${outcome.expected}]`)
      case 'exists':
        return github
          ? fail(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
          : fail(422, `repository file already exists [path: ${path}]`)
      case 'missing': {
        const answer = this.facts.deletedFileWrite(path)
        return fail(answer.status, answer.message)
      }
      case 'declined':
        return fail(403, outcome.text.trim())
      case 'moved':
        // GitHub: the branch moved, not the file (forge-facts.md; PyGithub #1787, octokit.net #2365).
        return github ? fail(409, `is at ${outcome.actual} but expected ${outcome.expected}`) : fail(500, '')
    }
    const created = method === 'POST' || sha === undefined
    return ok(
      {
        content: { name: path.split('/').pop(), path, sha: outcome.blob, type: 'file' },
        // GitHub's file-commit carries verification inside the commit; Gitea's FileResponse beside it.
        ...(github
          ? { commit: { sha: outcome.commit, message: body.message, author, committer, verification: UNSIGNED_GITHUB } }
          : { commit: { sha: outcome.commit, message: body.message, author, committer }, verification: UNSIGNED_GITEA })
      },
      created ? 201 : 200
    )
  }

  private takeRace(fullName: string): (() => Promise<void>) | undefined {
    const race = this.races.get(fullName.toLowerCase())
    this.races.delete(fullName.toLowerCase())
    return race
  }
}

/** An unsigned commit's verification: GitHub's nullable fields are null, Gitea's strings empty. */
const UNSIGNED_GITHUB = { verified: false, reason: 'unsigned', signature: null, payload: null }
const UNSIGNED_GITEA = { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' }

function person(value: unknown): { name: string; email: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { name, email } = value as Record<string, unknown>
  return typeof name === 'string' && typeof email === 'string' ? { name, email } : undefined
}
