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
import { serveGit, type GitContext } from './git-serving.js'
import { authorized, classify, exchangeOf, GRAPHQL_PATH, readBody, secretOf } from './requests.js'
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
  /**
   * Someone reviews a pull request: they leave its review requests (GitHub: tanium/octobot#131,
   * Reviewable/Reviewable#571), and so does the team they review for (GitHub:
   * WordPress/openverse#30; Gitea puts the reviewer in the team's place, go-gitea/gitea#32334).
   */
  review(fullName: string, number: number, login: string, state = 'APPROVED', forTeam?: string): void {
    const pull = this.repo(fullName).pulls.find((p) => p.number === number)
    if (!pull) throw new Error(`no pull request ${fullName}#${number}`)
    pull.reviews = [...(pull.reviews ?? []), { login, state }]
    pull.reviewers = (pull.reviewers ?? []).filter((r) => r !== login)
    pull.teamReviewers = (pull.teamReviewers ?? []).filter((t) => t !== forTeam)
  }

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
    const record = classify(this.facts, this.store, req.method ?? 'GET', url.pathname, url.searchParams)
    record.authorized = authorized(req, this.token)
    this.appToken(req, record)
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
        ? serveGit(this.gitContext(), req, sink, body, url, record)
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
    // An installation token sees its owner's repositories only; any other is not found (GitHub).
    if (record.tokenOwner && record.repo && record.repo.split('/')[0].toLowerCase() !== record.tokenOwner.toLowerCase())
      return this.send(res, record, errorAnswer(this.facts, this.url, 404, 'Not Found'))
    try {
      if (record.kind === 'api') return await this.serveApi(req, res, url, record, body)
      return await serveGit(this.gitContext(), req, res, body, url, record)
    } catch (error) {
      return this.send(res, record, { status: 500, body: { message: `forge bug: ${(error as Error).message}` } })
    }
  }

  private async serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: RequestRecord,
    raw: Buffer
  ): Promise<void> {
    const path = url.pathname === GRAPHQL_PATH ? '/graphql' : url.pathname.slice(this.facts.apiBase.length)
    const asApp = this.github.app?.answer(record.method, path, req.headers.authorization ?? '')
    if (asApp) return this.send(res, record, asApp)
    if (req.headers.authorization && !record.authorized) {
      const message = this.facts.family === 'github' ? 'Bad credentials' : 'invalid username, password or token'
      return this.send(res, record, errorAnswer(this.facts, this.url, 401, message))
    }
    if (this.facts.family === 'github' && this.facts.rateLimits !== false) {
      const limited = this.github.limited(record.method, path)
      if (limited)
        return this.send(
          res,
          record,
          limited.body !== undefined
            ? { status: limited.status, body: limited.body }
            : errorAnswer(this.facts, this.url, limited.status, limited.message),
          limited.headers
        )
    }
    if (this.facts.family === 'github') {
      this.github.served()
      record.held = true
    }
    let body: unknown
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined
    } catch {
      return this.send(res, record, errorAnswer(this.facts, this.url, 422, 'invalid JSON body'))
    }
    const scope = record.tokenOwner
    this.send(res, record, await this.api.handle({ method: record.method, path, query: url.searchParams, body, scope }))
  }

  /** A GitHub App's installation token: the request is authorized for its owner, unless it expired (401). */
  private appToken(req: IncomingMessage, record: RequestRecord): void {
    const app = this.github.app
    if (record.authorized || !app) return
    const held = app.credential(secretOf(req))
    if (held && held !== 'expired') {
      record.authorized = true
      record.tokenOwner = held.owner
    }
  }

  private gitContext(): GitContext {
    return { store: this.store, facts: this.facts, url: this.url }
  }

  private send(
    res: ServerResponse,
    record: RequestRecord,
    answer: ApiAnswer,
    headers: Record<string, string> = {}
  ): void {
    record.status = answer.status
    record.doneAt = Date.now()
    if (record.held) this.github.answered()
    if (this.exchanges && record.kind === 'api' && !record.injected)
      this.exchanges.push(exchangeOf(record, answer, this.facts.apiBase))
    const flavourHeaders =
      this.facts.family === 'github'
        ? this.github.headers(record.path === GRAPHQL_PATH ? '/graphql' : '', this.facts)
        : {}
    const contentType =
      answer.raw !== undefined ? (answer.contentType ?? 'text/html; charset=utf-8') : 'application/json;charset=utf-8'
    res.writeHead(answer.status, { 'Content-Type': contentType, ...flavourHeaders, ...answer.headers, ...headers })
    res.end(answer.raw ?? JSON.stringify(answer.body))
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
