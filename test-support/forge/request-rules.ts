/**
 * What the test forge records of each request, and the rules (faults, hooks) that pick
 * requests out by kind, repository, method, path, git service and phase.
 */

export type RequestKind = 'api' | 'git'
export type GitService = 'upload-pack' | 'receive-pack'

export interface RequestRecord {
  method: string
  path: string
  kind: RequestKind
  /** owner/repo as asked for. */
  repo: string | null
  service?: GitService
  /** advertise: GET info/refs; rpc: the POST that does the work. */
  phase?: 'advertise' | 'rpc'
  status?: number
  /** Whether a valid token came with it. */
  authorized: boolean
  /** A GitHub App's installation token came with it: the owner it was minted for. */
  tokenOwner?: string
  /** When it arrived (ms since the epoch). */
  at: number
  /** When it was answered, and how many body bytes git http-backend sent. */
  doneAt?: number
  bytes?: number
  /** API requests: the query string and the body, for the spec check. */
  query?: URLSearchParams
  body?: Buffer
  /** Answered by an injected fault, not by the forge's own behaviour (the spec check skips it). */
  injected?: boolean
  /** GitHub: counted among the requests in flight until answered. */
  held?: boolean
}

export interface Match {
  kind?: RequestKind
  repo?: string
  method?: string
  path?: RegExp
  service?: GitService
  phase?: 'advertise' | 'rpc'
}

/**
 * reset: drop the connection before serving; hang: accept and never answer; swallow: serve the
 * request for real (a push lands), then drop the connection before the answer gets out;
 * status: answer with it instead of serving (`body` JSON-encoded, or `raw` sent as it is);
 * delayMs: serve late.
 */
export type FaultAction =
  | 'reset'
  | 'hang'
  | 'swallow'
  | {
      status: number
      body?: unknown
      raw?: string
      contentType?: string
      headers?: Record<string, string>
      echoAuthorization?: boolean
    }
  | { delayMs: number }

export interface Rule<T> {
  match: Match
  what: T
  remaining: number
}

export function matches(match: Match, record: RequestRecord): boolean {
  return (
    (match.kind === undefined || match.kind === record.kind) &&
    (match.repo === undefined || match.repo.toLowerCase() === record.repo?.toLowerCase()) &&
    (match.method === undefined || match.method === record.method) &&
    (match.path === undefined || match.path.test(record.path)) &&
    (match.service === undefined || match.service === record.service) &&
    (match.phase === undefined || match.phase === record.phase)
  )
}

/** The rules that fire for this request, each spending one of its remaining uses. */
export function take<T>(rules: Rule<T>[], record: RequestRecord, limit = Infinity): T[] {
  const fired: T[] = []
  for (const rule of rules) {
    if (fired.length < limit && rule.remaining > 0 && matches(rule.match, record)) {
      rule.remaining--
      fired.push(rule.what)
    }
  }
  return fired
}
