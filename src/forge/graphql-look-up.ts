import { createHash } from 'node:crypto'
import type { BranchInfo, FileRead, RepoInfo } from './forge-shapes.js'

/**
 * The look-up round for many GitHub repositories in one GraphQL query: each repository's
 * facts, the branch to pin (the default one, or `branch`) with its tip, the bump branch, and
 * every asked path on them as tree entries with their blobs. GraphQL cannot say everything
 * the REST look-up can, so a repository it cannot answer exactly falls back to REST:
 * - not found: GitHub's REST API follows a rename or transfer (301) and tells 404 from no
 *   access the way every other look-up does; GraphQL's NOT_FOUND is only confirmed there;
 * - a blob whose text is not its exact bytes (`isBinary`, `isTruncated`, or UTF-8 that does
 *   not hash back to the blob's oid): the contents API gives the bytes as base64;
 * - anything else the answer does not say plainly (an error on that repository, a ref that
 *   is not a commit).
 * Push permission is not asked: `viewerPermission` "will return null if authenticated as a
 * GitHub App" (its description in GitHub's schema), so, as with REST on GitHub, the write decides.
 */
export interface BatchAsk {
  owner: string
  repo: string
}

/** What every repository of a batch is asked for: the same paths and branches for each. */
export interface BatchShape {
  /** The branch to read on; undefined: the default branch. */
  branch?: string
  /** Paths read on it (and on the bump branch). */
  paths: string[]
  /** Pull-request mode: the bump branch, whose tip and paths are read too. */
  bump?: string
}

export interface RefFacts {
  /** null: no such branch (or, for the default branch, none). */
  tip: BranchInfo | null
  files: Map<string, FileRead>
}

export interface RepoFacts {
  repo: RepoInfo
  at: RefFacts
  bump?: RefFacts
}

export type BatchItem = { kind: 'found'; facts: RepoFacts } | { kind: 'rest'; why: string }

/** A merge has two parents; more is an octopus, whose parents are then read through REST when needed. */
const MAX_PARENTS = 5

/** GitHub's GraphQL reference: TreeEntry.mode is the git file mode as an integer. */
const SYMLINK_MODE = 0o120000

export function batchQuery(asks: BatchAsk[], shape: BatchShape): { query: string; variables: Record<string, string> } {
  const variables: Record<string, string> = {}
  const declared: string[] = []
  const declare = (name: string, value: string) => {
    variables[name] = value
    declared.push(`$${name}: String!`)
  }
  shape.paths.forEach((path, j) => declare(`p${j}`, path))
  if (shape.branch) declare('b', `refs/heads/${shape.branch}`)
  if (shape.bump) declare('u', `refs/heads/${shape.bump}`)
  const repos = asks.map((ask, i) => {
    declare(`o${i}`, ask.owner)
    declare(`n${i}`, ask.repo)
    return `r${i}: repository(owner: $o${i}, name: $n${i}) { ...repo }`
  })
  const at = shape.branch ? 'at: ref(qualifiedName: $b)' : 'at: defaultBranchRef'
  const bump = shape.bump ? ' bump: ref(qualifiedName: $u) { name target { ...tip } }' : ''
  const files = shape.paths.map((_, j) => ` f${j}: file(path: $p${j}) { ...entry }`).join('')
  const query = [
    `query RuntimeCascadeLookUp(${declared.join(', ')}) {`,
    ...repos.map((r) => `  ${r}`),
    // What GitHub charged for this query (its reference: RateLimit.cost).
    '  rateLimit { cost }',
    '}',
    'fragment repo on Repository { nameWithOwner isArchived isMirror isFork isEmpty defaultBranchRef { name }' +
      ` ${at} { name target { ...tip } }${bump} }`,
    `fragment tip on Commit { oid message tree { oid } parents(first: ${MAX_PARENTS}) { totalCount nodes { oid } }${files} }`,
    // An unused fragment is a validation error.
    ...(shape.paths.length > 0
      ? ['fragment entry on TreeEntry { mode type oid object { ... on Blob { text isBinary isTruncated byteSize } } }']
      : [])
  ].join('\n')
  return { query, variables }
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (v: unknown): string => (typeof v === 'string' ? v : '')

/** A whole answer that is not the shape a GraphQL answer has: the batch goes to REST. */
export class BatchAnswerError extends Error {
  override name = 'BatchAnswerError'
}

/**
 * GitHub cut the query at its 10-second deadline. Its words: "We couldn't respond to your
 * request in time" in a 200's errors (docs, "Rate limits and query limits for the GraphQL API",
 * Timeouts), or a 502 or 504 from its gateway, whose body is JSON "Something went wrong while
 * executing your query. This may be the result of a timeout, or it could be a GitHub bug"
 * (apache/devlake#4349, sorenlouv/backport#479) or an nginx page (turbot/steampipe-plugin-github#518,
 * gfazioli/octoscope#153). The batch is asked again in halves, never whole.
 */
export class BatchTimeoutError extends BatchAnswerError {
  override name = 'BatchTimeoutError'
}

/** The statuses a cut GraphQL query comes back with from GitHub's gateway (see BatchTimeoutError). */
export const CUT_QUERY_STATUS: ReadonlySet<number> = new Set([502, 504])
const CUT_WORDS = /couldn't respond to your request in time|result of a timeout/i

/**
 * What GitHub charges for the query before it runs, by its documented score: one request per
 * connection to fulfil, here `parents(first: 5)` on each commit asked (the branch, and the bump
 * branch in pull-request mode), divided by 100 and rounded, at least 1 (docs, "Calculating a
 * rate limit score"). A timed-out query is charged too (changelog 2025-07-21), and says no cost.
 */
export function queryCost(repos: number, shape: BatchShape): number {
  return Math.max(1, Math.round((repos * (shape.bump ? 2 : 1)) / 100))
}

/** The cost the answer says GitHub charged (`rateLimit { cost }`); undefined when it does not say. */
export function answerCost(answer: unknown): number | undefined {
  const data = isObject(answer) && isObject(answer.data) ? answer.data : undefined
  const cost = data && isObject(data.rateLimit) ? data.rateLimit.cost : undefined
  return typeof cost === 'number' && Number.isFinite(cost) ? cost : undefined
}

/**
 * One item per ask, in order. An error on the whole query (no `data`), or a rate limit said in
 * `errors` (GitHub answers it 200 with type RATE_LIMITED; reported as RATE_LIMIT too), throws
 * BatchAnswerError: every repository of the batch then goes to REST; a timeout throws
 * BatchTimeoutError, and the batch is split.
 */
export function parseBatch(answer: unknown, asks: BatchAsk[], shape: BatchShape): BatchItem[] {
  if (!isObject(answer)) throw new BatchAnswerError('the GraphQL answer is not an object')
  const errors = Array.isArray(answer.errors) ? answer.errors.filter(isObject) : []
  const limited = errors.find((e) => /^RATE_LIMIT/.test(text(e.type)))
  if (limited) throw new BatchAnswerError(`GitHub's GraphQL rate limit: ${text(limited.message)}`)
  const data = answer.data
  if (!isObject(data)) {
    const said = errors.map((e) => text(e.message)).join('; ')
    if (CUT_WORDS.test(said)) throw new BatchTimeoutError(`the GraphQL query was cut: ${said}`)
    throw new BatchAnswerError(`the GraphQL query was refused: ${said || 'no data and no error'}`)
  }
  return asks.map((_, i) => {
    const alias = `r${i}`
    const own = errors.filter((e) => Array.isArray(e.path) && e.path[0] === alias)
    if (own.some((e) => text(e.type) === 'NOT_FOUND' && (e.path as unknown[]).length === 1))
      return { kind: 'rest', why: 'not found through GraphQL' }
    if (own.length > 0) return { kind: 'rest', why: own.map((e) => text(e.message)).join('; ') }
    return repoItem(data[alias], shape)
  })
}

function repoItem(node: unknown, shape: BatchShape): BatchItem {
  if (!isObject(node)) return { kind: 'rest', why: 'no repository in the answer' }
  const fullName = text(node.nameWithOwner)
  const [owner = '', name = ''] = fullName.split('/')
  if (!owner || !name) return { kind: 'rest', why: 'the answer names no repository' }
  const empty = node.isEmpty === true
  const repo: RepoInfo = {
    fullName,
    owner,
    name,
    defaultBranch: isObject(node.defaultBranchRef) ? text(node.defaultBranchRef.name) : '',
    archived: node.isArchived === true,
    mirror: node.isMirror === true,
    fork: node.isFork === true,
    empty,
    canPush: undefined
  }
  // A repository without commits: every read says so, as GitHub's contents API does.
  if (empty) {
    const files = new Map<string, FileRead>(shape.paths.map((p) => [p, { kind: 'empty-repository' }]))
    return {
      kind: 'found',
      facts: { repo, at: { tip: null, files }, ...(shape.bump ? { bump: { tip: null, files } } : {}) }
    }
  }
  const at = refFacts(node.at, shape.paths)
  const bump = shape.bump ? refFacts(node.bump, shape.paths) : undefined
  if (typeof at === 'string') return { kind: 'rest', why: at }
  if (typeof bump === 'string') return { kind: 'rest', why: bump }
  return { kind: 'found', facts: { repo, at, ...(bump ? { bump } : {}) } }
}

/** A ref's tip and files; a string says why REST must answer instead. */
function refFacts(ref: unknown, paths: string[]): RefFacts | string {
  const absent = () => new Map<string, FileRead>(paths.map((p) => [p, { kind: 'absent' }]))
  if (ref === null || ref === undefined) return { tip: null, files: absent() }
  if (!isObject(ref) || !isObject(ref.target)) return 'a branch the answer does not describe'
  const commit = ref.target
  const sha = text(commit.oid)
  // `... on Commit` left nothing: the ref points at a tag or tree, which no branch does.
  if (!sha) return 'a branch whose tip is not a commit'
  const tree = isObject(commit.tree) ? text(commit.tree.oid) : ''
  const tip: BranchInfo = {
    name: text(ref.name),
    sha,
    message: text(commit.message) || undefined,
    tree: tree || undefined
  }
  const parents = parentsOf(commit.parents)
  if (parents) tip.parents = parents
  const files = new Map<string, FileRead>()
  for (const [j, path] of paths.entries()) {
    const read = entryRead(commit[`f${j}`])
    if (typeof read === 'string') return `${path}: ${read}`
    files.set(path, read)
  }
  return { tip, files }
}

/** Every parent's oid, or undefined when the answer does not hold them all. */
function parentsOf(connection: unknown): string[] | undefined {
  if (!isObject(connection) || !Array.isArray(connection.nodes)) return undefined
  const oids = connection.nodes.map((n) => (isObject(n) ? text(n.oid) : ''))
  return oids.length === connection.totalCount && oids.every(Boolean) ? oids : undefined
}

/** A tree entry as the contents API would read it; a string: only REST can read it exactly. */
function entryRead(entry: unknown): FileRead | string {
  if (entry === null || entry === undefined) return { kind: 'absent' }
  if (!isObject(entry)) return 'an entry the answer does not describe'
  const oid = text(entry.oid)
  const type = text(entry.type)
  if (type === 'tree') return { kind: 'other', sha: oid, type: 'dir' }
  if (type === 'commit') return { kind: 'other', sha: oid, type: 'submodule' }
  const blob = isObject(entry.object) ? entry.object : {}
  if (entry.mode === SYMLINK_MODE) return { kind: 'other', sha: oid, type: `a symlink to ${text(blob.text)}` }
  if (type !== 'blob') return `an entry of type ${type || 'unknown'}`
  if (blob.isBinary !== false || blob.isTruncated !== false || typeof blob.text !== 'string')
    return 'a blob GraphQL does not give as text'
  const bytes = Buffer.from(blob.text, 'utf8')
  // The one exact check there is: the bytes hash back to the blob's object id (SHA-1 repositories).
  if (blobOid(bytes) !== oid) return 'a blob whose text is not its exact bytes'
  return { kind: 'file', sha: oid, bytes }
}

/** git's object id of a blob: SHA-1 over "blob <size>\0" and the bytes. */
export function blobOid(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}
