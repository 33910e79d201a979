import { posix } from 'node:path'
import type { FlavourFacts } from '../flavours.js'
import type { RepoMeta, RepoStore } from '../repo-store.js'
import { writeFile, type FileWrite } from '../repo-writes.js'
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
    const sha = typeof body.sha === 'string' ? body.sha : undefined
    if (!github && method === 'PUT' && sha === undefined) return fail(422, '[SHA]: Required')
    if (typeof body.content !== 'string' || typeof body.message !== 'string') return fail(422, 'Validation Failed')
    const files = [
      { path, bytes: Buffer.from(body.content, 'base64'), expect: method === 'POST' ? null : (sha ?? null) }
    ]
    const made = await this.commit(meta, body, files)
    if ('status' in made) return made
    const created = method === 'POST' || sha === undefined
    const { commit } = made
    return ok(
      {
        content: { name: path.split('/').pop(), path, sha: made.blobs[path], type: 'file' },
        // GitHub's file-commit carries verification inside the commit; Gitea's FileResponse beside it.
        ...(github
          ? { commit: { ...commit, verification: made.verification } }
          : { commit, verification: made.verification })
      },
      created ? 201 : 200
    )
  }

  /**
   * Gitea/Forgejo `POST /contents` (ChangeFiles, since 1.20): several files in one commit, each
   * with its operation and, to update, its sha; checked file by file as a single write is
   * (services/repository/files/update.go ChangeRepoFiles, release/v1.22 and v1.25). Answers 201
   * FilesResponse {files, commit, verification}.
   */
  async writeFiles(meta: RepoMeta, body: Record<string, unknown>): Promise<ApiAnswer> {
    const fail = (status: number, message: string) => errorAnswer(this.facts, this.baseUrl, status, message)
    if (!Array.isArray(body.files) || body.files.length === 0) return fail(422, '[Files]: Required')
    const files = (body.files as Array<Record<string, unknown>>).map((f) => ({
      path: String(f.path ?? ''),
      bytes: Buffer.from(String(f.content ?? ''), 'base64'),
      expect: f.operation === 'create' ? null : typeof f.sha === 'string' ? f.sha : undefined
    }))
    if (files.some((f) => f.expect === undefined))
      return fail(422, 'a SHA or commit ID must be proved when updating a file')
    const made = await this.commit(meta, body, files)
    if ('status' in made) return made
    const answers = files.map((f) => ({
      name: f.path.split('/').pop(),
      path: f.path,
      sha: made.blobs[f.path],
      type: 'file'
    }))
    return ok({ files: answers, commit: made.commit, verification: made.verification }, 201)
  }

  /** A contents commit of `files` on the body's branch, or the flavour's refusal. */
  private async commit(
    meta: RepoMeta,
    body: Record<string, unknown>,
    files: FileWrite['files']
  ): Promise<ApiAnswer | { commit: Record<string, unknown>; blobs: Record<string, string>; verification: unknown }> {
    const github = this.facts.family === 'github'
    const fail = (status: number, message: string) => errorAnswer(this.facts, this.baseUrl, status, message)
    const branch = String(body.branch ?? meta.defaultBranch)
    const refused = this.refusal(meta, branch)
    if (refused) return refused
    const author = person(body.author) ?? TOKEN_USER
    // Committer when not given: Gitea the author, GitHub the token's user.
    const committer = person(body.committer) ?? (github ? TOKEN_USER : author)
    const message = String(body.message ?? '')
    const outcome = await writeFile(this.store, meta, {
      branch,
      files,
      message,
      author,
      committer,
      keepMode: !github,
      beforeUpdate: this.takeRace(meta.fullName)
    })
    switch (outcome.kind) {
      case 'no-branch':
        return notFound(this.facts, this.baseUrl, 'branch', [`branch does not exist [name: ${branch}]`])
      case 'stale':
        return github
          ? fail(409, `${outcome.path} does not match ${outcome.given}`)
          : fail(422, `sha does not match [given: ${outcome.given}, expected: ${outcome.expected}]`)
      case 'exists':
        return github
          ? fail(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
          : fail(422, `repository file already exists [path: ${outcome.path}]`)
      case 'missing': {
        const answer = this.facts.deletedFileWrite(outcome.path)
        return fail(answer.status, answer.message)
      }
      case 'declined':
        return fail(403, outcome.text.trim())
      case 'moved':
        // GitHub: the branch moved, not the file (forge-facts.md; PyGithub #1787, octokit.net #2365).
        return github ? fail(409, `is at ${outcome.actual} but expected ${outcome.expected}`) : fail(500, '')
    }
    const signed = this.github.signs(this.facts, body)
    return {
      commit: { sha: outcome.commit, message, author, committer },
      blobs: outcome.blobs,
      verification: github ? (signed ? SIGNED_GITHUB : UNSIGNED_GITHUB) : UNSIGNED_GITEA
    }
  }

  /** Archived, read-only, protected: each family's status and words, before any commit. */
  private refusal(meta: RepoMeta, branch: string): ApiAnswer | null {
    const refused = writeRefusal(this.facts, this.baseUrl, this.github, meta)
    if (refused) return refused
    // Branch protection is checked before the hook runs.
    if (meta.protectBranch !== branch) return null
    return this.facts.family === 'github'
      ? errorAnswer(
          this.facts,
          this.baseUrl,
          409,
          'Could not update file: Changes must be made through a pull request.'
        )
      : errorAnswer(this.facts, this.baseUrl, 403, 'user cannot commit to repo [user: cascade-bot]')
  }

  /** The race set up for the next write to `fullName`, taken (one write meets it). */
  takeRace(fullName: string): (() => Promise<void>) | undefined {
    const race = this.races.get(fullName.toLowerCase())
    this.races.delete(fullName.toLowerCase())
    return race
  }
}

/**
 * Any API write to an archived repository, or with a token that may not write: Gitea 423
 * "<Repository N:o/r> is archived" and 403 "user should have a permission to write to this
 * branch"; GitHub 403 "Repository was archived so is read-only." and 403 "Resource not
 * accessible by personal access token" (or "by integration") (forge-facts.md, Refusals).
 */
export function writeRefusal(
  facts: FlavourFacts,
  baseUrl: string,
  github: GithubState,
  meta: RepoMeta
): ApiAnswer | null {
  const fail = (status: number, message: string) => errorAnswer(facts, baseUrl, status, message)
  const gh = facts.family === 'github'
  if (meta.archived)
    return gh
      ? fail(403, 'Repository was archived so is read-only.')
      : fail(423, `<Repository ${meta.id}:${meta.fullName}> is archived`)
  if (!meta.readOnly) return null
  if (!gh) return fail(403, 'user should have a permission to write to this branch')
  return fail(403, `Resource not accessible by ${github.tokenKind === 'pat' ? 'personal access token' : 'integration'}`)
}

/** An unsigned commit's verification: GitHub's nullable fields are null, Gitea's strings empty. */
export const UNSIGNED_GITHUB = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null
}
const UNSIGNED_GITEA = { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' }
/** What GitHub answers for a commit it signed (its verification schema: reason "valid"). */
export const SIGNED_GITHUB = {
  verified: true,
  reason: 'valid',
  signature: '-----BEGIN PGP SIGNATURE-----\n(test forge)\n-----END PGP SIGNATURE-----',
  payload: 'tree (test forge)',
  verified_at: '2026-01-01T00:00:00Z'
}
/** The token's account, which the forges use when no author is sent. */
export const TOKEN_USER = { name: 'cascade-bot', email: 'cascade-bot@example.com' }

export function person(value: unknown): { name: string; email: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { name, email } = value as Record<string, unknown>
  return typeof name === 'string' && typeof email === 'string' ? { name, email } : undefined
}
