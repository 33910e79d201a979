import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorAnswer, type ApiAnswer } from './api/answers.js'
import { GithubState } from './api/github-state.js'
import { RestApi } from './api/router.js'
import { FACTS, type Flavour, type FlavourFacts } from './flavours.js'
import { runHttpBackend } from './git-cgi.js'
import { checkExchanges, type Exchange } from '../spec-check/check.js'
import { recordSpecReport } from '../spec-check/totals.js'
import { RepoStore, type RepoMeta, type RepoOptions } from './repo-store.js'
import {
  matches,
  take,
  type FaultAction,
  type GitService,
  type Match,
  type RequestKind,
  type RequestRecord,
  type Rule
} from './request-rules.js'

export type { FaultAction, GitService, Match, RequestKind, RequestRecord }

const GRAPHQL_PATH = '/api/graphql'

export interface ForgeOptions {
  flavour?: Flavour
  latencyMs?: number
  /** Default: any free port (tests); a fixed one for a standalone demo forge. */
  port?: number
  /** Default: a random one per forge. */
  token?: string
  /**
   * Hold every API exchange against the flavour's own description when the forge closes (see
   * test-support/spec-check). Default: on under jest (whose reporter sets SPEC_CHECK_DIR).
   */
  specCheck?: boolean
}

/**
 * A loopback forge for tests, the demo and the benchmark: real git smart HTTP through
 * `git http-backend` and the REST subset the action uses, both answered from the same bare
 * repositories, with token auth, a flavour per real forge (test-support/forge/README.md), and
 * knobs for latency, faults and races.
 */
export class TestForge {
  readonly token: string
  readonly requests: RequestRecord[] = []
  latencyMs = 0
  readonly facts: FlavourFacts
  readonly github = new GithubState()
  readonly api: RestApi
  private readonly faults: Rule<FaultAction>[] = []
  private readonly hooks: Rule<(record: RequestRecord) => Promise<void>>[] = []
  private readonly sockets = new Set<Socket>()
  private readonly exchanges: Exchange[] | null

  private constructor(
    private readonly server: Server,
    readonly store: RepoStore,
    readonly url: string,
    readonly flavour: Flavour,
    token: string | undefined,
    specCheck: boolean
  ) {
    this.token = token ?? `gta_${randomBytes(20).toString('hex')}`
    this.exchanges = specCheck ? [] : null
    this.facts = FACTS[flavour]
    this.api = new RestApi(store, this.facts, url, this.github)
  }

  static async start(options: ForgeOptions = {}): Promise<TestForge> {
    const flavour = options.flavour ?? 'gitea-1.22'
    const root = await mkdtemp(join(tmpdir(), 'test-forge-'))
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const url = `http://127.0.0.1:${address.port}`
    const specCheck = options.specCheck ?? process.env.SPEC_CHECK_DIR !== undefined
    const forge = new TestForge(server, new RepoStore(root, FACTS[flavour]), url, flavour, options.token, specCheck)
    forge.latencyMs = options.latencyMs ?? 0
    server.on('connection', (socket) => {
      forge.sockets.add(socket)
      socket.on('close', () => forge.sockets.delete(socket))
    })
    server.on('request', (req, res) => void forge.handle(req, res))
    return forge
  }

  get apiUrl(): string {
    return `${this.url}${this.facts.apiBase}`
  }

  createRepo(fullName: string, options?: RepoOptions): Promise<RepoMeta> {
    return this.store.create(fullName, options)
  }

  repo(fullName: string): RepoMeta {
    const [owner, name] = fullName.split('/')
    const meta = this.store.find(owner, name)
    if (!meta) throw new Error(`no repo ${fullName}`)
    return meta
  }

  /** Injects a fault for the next `times` matching requests (default: every one). */
  fault(match: Match, what: FaultAction, times = Infinity): void {
    this.faults.push({ match, what, remaining: times })
  }

  /** Runs `hook` before the next `times` matching requests are served (races, deletions). */
  before(match: Match, hook: (record: RequestRecord) => Promise<void>, times = 1): void {
    this.hooks.push({ match, what: hook, remaining: times })
  }

  clearFaults(): void {
    this.faults.length = 0
    this.hooks.length = 0
  }

  count(match: Match): number {
    return this.requests.filter((r) => matches(match, r)).length
  }

  /**
   * Stops the forge. With the spec check on, every API exchange it served is then held against
   * the flavour's description, the figures go to SPEC_CHECK_DIR for the run's total, and a
   * mismatch fails the test that closed it.
   */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    await rm(this.store.root, { recursive: true, force: true })
    if (this.exchanges) {
      const report = checkExchanges(this.flavour, this.facts, this.exchanges)
      recordSpecReport(this.flavour, report)
      this.exchanges.length = 0
      if (report.mismatches.length > 0)
        throw new Error(`the test forge answered unlike the forge's description:\n${report.mismatches.join('\n')}`)
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', this.url)
    const record = this.classify(req.method ?? 'GET', url.pathname, url.searchParams)
    record.authorized = this.authorized(req)
    if (record.kind === 'api' && this.exchanges) Object.assign(record, { query: url.searchParams, body })
    this.requests.push(record)
    if (this.latencyMs > 0) await sleep(this.latencyMs)
    for (const hook of take(this.hooks, record)) await hook(record)
    const fault = take(this.faults, record, 1)[0]
    // A delayed answer is still the forge's own; every other fault stands in for something else.
    if (fault && !(typeof fault === 'object' && 'delayMs' in fault)) record.injected = true
    if (fault === 'reset') {
      req.socket.destroy()
      record.status = 0
      return
    }
    if (fault === 'hang') return // never answers; close() destroys the socket
    if (fault === 'swallow') {
      const sink = new ServerResponse(req)
      sink.write = () => true
      sink.end = () => sink
      await (record.kind === 'git'
        ? this.serveGit(req, sink, body, url, record)
        : this.serveApi(req, sink, url, record, body))
      req.socket.destroy()
      record.status = 0
      return
    }
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs)
    else if (fault) {
      // echoAuthorization: a misbehaving proxy that reflects the credentials it was sent.
      const message = fault.echoAuthorization
        ? `upstream said: Authorization: ${req.headers.authorization ?? ''}`
        : `injected ${fault.status}`
      const answer: ApiAnswer =
        fault.raw !== undefined
          ? { status: fault.status, raw: fault.raw, contentType: fault.contentType }
          : { status: fault.status, body: fault.body ?? { message, url: '' } }
      return this.send(res, record, answer, fault.headers)
    }
    try {
      if (record.kind === 'api') return await this.serveApi(req, res, url, record, body)
      return await this.serveGit(req, res, body, url, record)
    } catch (error) {
      return this.send(res, record, { status: 500, body: { message: `forge bug: ${(error as Error).message}` } })
    }
  }

  private classify(method: string, path: string, query: URLSearchParams): RequestRecord {
    const at = Date.now()
    const base = `${this.facts.apiBase}/`
    // GitHub Enterprise Server's GraphQL endpoint sits beside /api/v3 (docs, "Forming calls with GraphQL").
    if (this.facts.family === 'github' && path === GRAPHQL_PATH)
      return { method, path, kind: 'api', repo: null, authorized: false, at }
    if (path.startsWith(base)) {
      const m = /\/repos\/([^/]+)\/([^/]+)/.exec(path.slice(base.length - 1))
      const byId = /^\/repositories\/(\d+)/.exec(path.slice(base.length - 1))
      const repo = m
        ? `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`
        : byId
          ? (this.store.byId(Number(byId[1]))?.fullName ?? null)
          : null
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
  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    const [scheme, value = ''] = header.split(' ', 2)
    if (/^(token|bearer)$/i.test(scheme)) return value === this.token
    if (/^basic$/i.test(scheme))
      return Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':') === this.token
    return false
  }

  private async serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: RequestRecord,
    raw: Buffer
  ): Promise<void> {
    const path = url.pathname === GRAPHQL_PATH ? '/graphql' : url.pathname.slice(this.facts.apiBase.length)
    if (req.headers.authorization && !record.authorized) {
      const message = this.facts.family === 'github' ? 'Bad credentials' : 'invalid username, password or token'
      return this.send(res, record, errorAnswer(this.facts, this.url, 401, message))
    }
    if (this.facts.family === 'github') {
      const limited = this.github.limited(record.method, path)
      if (limited)
        return this.send(
          res,
          record,
          errorAnswer(this.facts, this.url, limited.status, limited.message),
          limited.headers
        )
    }
    let body: unknown
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined
    } catch {
      return this.send(res, record, errorAnswer(this.facts, this.url, 422, 'invalid JSON body'))
    }
    this.send(res, record, await this.api.handle({ method: record.method, path, query: url.searchParams, body }))
  }

  private async serveGit(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    url: URL,
    record: RequestRecord
  ): Promise<void> {
    const [owner, name] = (record.repo ?? '/').split('/')
    const meta = record.repo ? this.store.find(owner, name) : undefined
    const moved = record.repo && !meta ? this.store.movedTo(owner, name) : undefined
    if (moved) {
      // Renamed: git smart HTTP is redirected like the API (git itself follows only 301).
      const tail = url.pathname.slice(
        url.pathname.indexOf(record.phase === 'advertise' ? '/info/refs' : `/git-${record.service}`)
      )
      const location = `/${moved.fullName}.git${tail}${url.search}`
      record.status = this.facts.redirectStatus
      res.writeHead(this.facts.redirectStatus, {
        Location: this.facts.absoluteRedirect ? `${this.url}${location}` : location
      })
      return void res.end()
    }
    if (!meta || !record.service) return this.sendText(res, record, 404, 'Not found\n')
    if (!record.authorized) {
      res.setHeader('WWW-Authenticate', `Basic realm="${this.facts.family === 'github' ? 'GitHub' : 'Gitea'}"`)
      return this.sendText(res, record, 401, 'Unauthorized\n')
    }
    if (record.service === 'receive-pack') {
      const refusal = this.pushRefusal(meta)
      if (refusal) return this.sendText(res, record, 403, `${refusal}\n`)
    }
    const suffix = url.pathname.slice(
      url.pathname.indexOf(record.phase === 'advertise' ? '/info/refs' : `/git-${record.service}`)
    )
    const before = record.service === 'receive-pack' && record.phase === 'rpc' ? await this.store.branches(meta) : null
    record.status = 200
    record.bytes = await runHttpBackend(
      req,
      res,
      body,
      this.store.root,
      `/${meta.owner}/${meta.name}.git${suffix}`,
      'cascade-bot'
    )
    record.status = res.statusCode
    record.doneAt = Date.now()
    if (before) {
      for (const [branch, sha] of await this.store.branches(meta))
        if (before.get(branch) !== sha) this.store.pushed(meta, branch, sha)
    }
  }

  /** The HTTP layer's refusals of a push: no write permission, archived, mirror (403 each). */
  private pushRefusal(meta: RepoMeta): string | null {
    const github = this.facts.family === 'github'
    if (meta.readOnly)
      return github
        ? `Permission to ${meta.fullName}.git denied to cascade-bot.`
        : 'User permission denied for writing.'
    if (meta.archived)
      return github
        ? 'This repository was archived so it is read-only.'
        : 'This repo is archived. You can view files and clone it, but cannot push or open issues or pull requests.'
    if (meta.mirror) return 'mirror repository is read-only'
    return null
  }

  private send(
    res: ServerResponse,
    record: RequestRecord,
    answer: ApiAnswer,
    headers: Record<string, string> = {}
  ): void {
    record.status = answer.status
    record.doneAt = Date.now()
    if (this.exchanges && record.kind === 'api' && !record.injected)
      this.exchanges.push(exchangeOf(record, answer, this.facts.apiBase))
    const flavourHeaders = this.facts.family === 'github' ? this.github.headers() : {}
    const contentType =
      answer.raw !== undefined ? (answer.contentType ?? 'text/html; charset=utf-8') : 'application/json;charset=utf-8'
    res.writeHead(answer.status, { 'Content-Type': contentType, ...flavourHeaders, ...answer.headers, ...headers })
    res.end(answer.raw ?? JSON.stringify(answer.body))
  }

  private sendText(res: ServerResponse, record: RequestRecord, status: number, text: string): void {
    record.status = status
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(text)
  }
}

/** What the spec check needs of one API request and its answer. */
function exchangeOf(record: RequestRecord, answer: ApiAnswer, apiBase: string): Exchange {
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => resolve(Buffer.concat(chunks)))
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
