import type { IncomingMessage } from 'node:http'
import type { ApiAnswer } from './api/answers.js'
import type { FlavourFacts } from './flavours.js'
import type { Exchange } from '../spec-check/check.js'
import type { RepoStore } from './repo-store.js'
import type { GitService, RequestRecord } from './request-rules.js'

/** GitHub Enterprise Server's GraphQL endpoint sits beside /api/v3 (docs, "Forming calls with GraphQL"). */
export const GRAPHQL_PATH = '/api/graphql'

/** What kind of request this is (API or git), for which repository: the record tests count by. */
export function classify(
  facts: FlavourFacts,
  store: RepoStore,
  method: string,
  path: string,
  query: URLSearchParams
): RequestRecord {
  // GitHub Enterprise Server's GraphQL endpoint sits beside /api/v3 (docs, "Forming calls with GraphQL").
  if (facts.family === 'github' && path === GRAPHQL_PATH)
    return { method, path, kind: 'api', repo: null, authorized: false, at: Date.now() }
  return classifyRequest(`${facts.apiBase}/`, method, path, query, (id) => store.byId(id)?.fullName ?? null)
}

/**
 * What a request is, from its path alone: an API request below `base` (and for which
 * repository), or git smart HTTP (which repository, which service, which phase). The live
 * arena's proxy classifies the action's requests to a real forge the same way.
 */
export function classifyRequest(
  base: string,
  method: string,
  path: string,
  query: URLSearchParams,
  byId: (id: number) => string | null = () => null
): RequestRecord {
  const at = Date.now()
  if (path.startsWith(base)) {
    const m = /\/repos\/([^/]+)\/([^/]+)/.exec(path.slice(base.length - 1))
    const id = /^\/repositories\/(\d+)/.exec(path.slice(base.length - 1))
    const repo = m ? `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}` : id ? byId(Number(id[1])) : null
    return { method, path, kind: 'api', repo, authorized: false, at }
  }
  const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(path)
  if (!m) return { method, path, kind: 'git', repo: null, authorized: false, at }
  const service = (m[3] === 'info/refs' ? (query.get('service') ?? '') : m[3]).replace(/^git-/, '') as GitService
  return {
    method,
    path,
    kind: 'git',
    repo: `${m[1]}/${m[2]}`,
    service,
    phase: m[3] === 'info/refs' ? 'advertise' : 'rpc',
    authorized: false,
    at
  }
}

/** `token X`, `Bearer X`, or basic auth with the token as password (git's extraheader). */
export function authorized(req: IncomingMessage, token: string): boolean {
  return secretOf(req) === token
}

/** The secret a request carries, whatever the scheme; '' when none. */
export function secretOf(req: IncomingMessage): string {
  const header = req.headers.authorization ?? ''
  const [scheme, value = ''] = header.split(' ', 2)
  if (/^(token|bearer)$/i.test(scheme)) return value
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':')
  return ''
}

/** What the spec check needs of one API request and its answer. */
export function exchangeOf(record: RequestRecord, answer: ApiAnswer, apiBase: string): Exchange {
  let body: unknown
  try {
    body = record.body && record.body.length > 0 ? JSON.parse(record.body.toString('utf8')) : undefined
  } catch {
    body = record.body!.toString('utf8')
  }
  return {
    method: record.method,
    path: record.path === GRAPHQL_PATH ? '/graphql' : record.path.slice(apiBase.length),
    query: record.query ?? new URLSearchParams(),
    body,
    status: answer.status,
    answer: answer.raw !== undefined ? undefined : answer.body
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => resolve(Buffer.concat(chunks)))
  })
}
