import { ApiError } from './api-error.js'
import type { ForgeKind } from './forge-client.js'

/**
 * The JSON the forges answer with, mapped to the few fields the cascade decides on. Gitea and
 * Forgejo share one shape; GitHub's differences are handled here and nowhere else. A 2xx whose
 * body is not the shape it should be fails closed, saying what came instead.
 */
type Json = Record<string, unknown>

export interface RepoInfo {
  fullName: string
  owner: string
  name: string
  defaultBranch: string
  archived: boolean
  mirror: boolean
  fork: boolean
  /** Gitea's `empty`; GitHub has no such field (its contents API says "This repository is empty."). */
  empty: boolean
  /**
   * The push permission, where the forge's answer can be trusted: Gitea and Forgejo report the
   * user's real permission. GitHub reports `push: false` for App installation tokens that can
   * push, and no permissions for the runner's token, so there it is undefined: the write decides.
   */
  canPush: boolean | undefined
}

export interface BranchInfo {
  name: string
  sha: string
  /** The tip's message: its trailer says whether the cascade made it (commit-marker.ts). */
  message: string | undefined
  /** The tip's tree: GitHub's branch answer names it (a Git Data commit is built on it); Gitea's does not. */
  tree: string | undefined
  /** The tip's parents, where the answer names them all (GitHub's branch answer and its GraphQL); Gitea's does not. */
  parents?: string[]
}

export type FileRead =
  | { kind: 'file'; sha: string; bytes: Buffer }
  /** A directory, symlink or submodule, or a file the API would not inline (Gitea > 10 MiB, GitHub > 1 MB). */
  | { kind: 'other'; sha: string; type: string }
  | { kind: 'absent' }
  /** GitHub's answer for a repository without commits. */
  | { kind: 'empty-repository' }

export interface PullInfo {
  number: number
  url: string
  head: string | undefined
  base: string | undefined
}

/** What kind of thing `data` is, for a message: "null", "a list", "a string". */
function describe(data: unknown): string {
  if (data === null) return 'null'
  if (data === undefined) return 'an empty body'
  if (Array.isArray(data)) return 'a list'
  return `a ${typeof data}`
}

export function object(data: unknown, what: string): Json {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data as Json
  throw new ApiError(0, `the forge answered ${what} with ${describe(data)} where an object belongs`)
}

export function list(data: unknown, what: string): unknown[] {
  if (Array.isArray(data)) return data
  throw new ApiError(0, `the forge answered ${what} with ${describe(data)} where a list belongs`)
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const maybeObject = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {})

export function parseRepo(kind: ForgeKind | undefined, data: unknown, what: string): RepoInfo {
  const repo = object(data, what)
  const fullName = text(repo.full_name)
  const [owner = '', name = ''] = fullName.split('/')
  if (!fullName.includes('/')) throw new ApiError(0, `the forge answered ${what} without the repository's full_name`)
  const permissions = maybeObject(repo.permissions)
  const push = typeof permissions.push === 'boolean' ? permissions.push : undefined
  return {
    fullName,
    owner,
    name,
    defaultBranch: text(repo.default_branch),
    archived: repo.archived === true,
    // Gitea says `mirror`; GitHub says `mirror_url` (a string, or null).
    mirror: repo.mirror === true || (typeof repo.mirror_url === 'string' && repo.mirror_url !== ''),
    fork: repo.fork === true,
    empty: repo.empty === true,
    canPush: kind === 'github' ? undefined : push
  }
}

export function parseBranch(data: unknown, what: string): BranchInfo {
  const branch = object(data, what)
  const commit = maybeObject(branch.commit)
  // Gitea: commit {id, message}; GitHub: commit {sha, commit{message, tree{sha}}}.
  const sha = text(commit.id) || text(commit.sha)
  if (!sha) throw new ApiError(0, `the forge answered ${what} without the branch's commit`)
  const nested = maybeObject(commit.commit)
  const info: BranchInfo = {
    name: text(branch.name),
    sha,
    message: text(commit.message) || text(nested.message) || undefined,
    tree: text(maybeObject(nested.tree).sha) || undefined
  }
  // GitHub: commit.parents [{sha}]; Gitea's PayloadCommit has none (then they are asked when needed).
  if (Array.isArray(commit.parents)) info.parents = commit.parents.map((p) => text(maybeObject(p).sha))
  return info
}

export function parseFile(data: unknown, what: string, asked: string): FileRead {
  if (Array.isArray(data)) return { kind: 'other', sha: '', type: 'dir' }
  const file = object(data, what)
  const sha = text(file.sha)
  const type = text(file.type)
  // GitHub answers a symlink with the file it points to, under that file's path (forge-facts.md,
  // Contents API). Writing there would replace the link with a regular file: refuse instead.
  const path = text(file.path)
  if (path && path !== asked) return { kind: 'other', sha, type: `a symlink to ${path}` }
  if (type === 'file' && typeof file.content === 'string' && file.encoding === 'base64') {
    return { kind: 'file', sha, bytes: Buffer.from(file.content, 'base64') }
  }
  return { kind: 'other', sha, type: type === 'file' ? 'file too large to be inlined' : type || 'unknown' }
}

/** The commit a write made, and whether the forge reports it signed (verified). */
export interface WriteAnswer {
  commit: string
  /** undefined: the answer does not say. */
  verified: boolean | undefined
}

/**
 * A write's answer: the contents APIs nest the commit (`commit.sha`), GitHub's Git Data commit
 * is the commit itself. Verification sits in the commit on GitHub, beside it on Gitea.
 */
export function parseWrite(data: unknown, what: string): WriteAnswer {
  const answer = object(data, what)
  const commit = answer.commit === undefined ? answer : maybeObject(answer.commit)
  const sha = text(commit.sha)
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha))
    throw new ApiError(0, `the forge answered ${what} without the commit it made`)
  const verification = maybeObject(commit.verification ?? answer.verification)
  return { commit: sha, verified: typeof verification.verified === 'boolean' ? verification.verified : undefined }
}

export function parsePull(data: unknown, what: string): PullInfo {
  const pull = object(data, what)
  const number = Number(pull.number)
  if (!Number.isInteger(number) || number <= 0)
    throw new ApiError(0, `the forge answered ${what} without a pull request number`)
  return {
    number,
    url: text(pull.html_url) || text(pull.url),
    head: text(maybeObject(pull.head).ref) || undefined,
    base: text(maybeObject(pull.base).ref) || undefined
  }
}
