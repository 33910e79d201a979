import type { FlavourFacts } from '../flavours.js'
import { randomBytes } from 'node:crypto'
import { GithubApp } from './github-app.js'

/** How GitHub answers a query it cut at its deadline (graphql-queries.ts names the source of each). */
export type CutAnswer = 'gateway-json' | 'gateway-html' | 'in-time'

/** Which kind of GitHub token the test plays: they differ in what /user and permissions say. */
export type GithubTokenKind = 'pat' | 'app' | 'runner'

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.'

/**
 * GitHub's per-token state: the core quota (every answer carries x-ratelimit-* and
 * x-github-request-id), secondary limits on demand, and the content-creation limit (80 a
 * minute, 500 an hour) that GitHub enforces as a secondary limit.
 */
export class GithubState {
  tokenKind: GithubTokenKind = 'pat'
  limit = 5000
  remaining = 5000
  resetAt = Math.floor(Date.now() / 1000) + 3600
  /**
   * GraphQL has its own hourly points (docs, "Rate limits and query limits for the GraphQL API"):
   * every request takes 1 at the door, and a query the rest of its score (graphql-score.ts).
   */
  graphqlRemaining = 5000
  /**
   * A bench knob, no forge's behaviour: GraphQL queries answered with an error, so that the run
   * looks every template up through REST, for the side-by-side figures of `npm run bench`.
   */
  queriesOff = false
  /**
   * The time a GraphQL query takes, and GitHub's deadline for it: it ends any request it cannot
   * finish in 10 seconds (docs, "Rate limits and query limits for the GraphQL API", Timeouts).
   * The time per repository is a knob, not a measurement: aliased queries for about a hundred
   * repositories are known to meet the deadline (community discussion #24408), which is all the
   * sources say; tests scale both down. `cut` is how the cut query is answered (graphql-queries.ts).
   * Undefined: every query is answered at once.
   */
  queryTime: { msPerRepository: number; deadlineMs: number; cut: CutAnswer } | undefined
  private secondaryLeft = 0
  private secondaryRetryAfter: number | undefined
  private readonly writes: number[] = []
  /** Content-creating requests GitHub refused, for tests to assert none were. */
  refusedWrites = 0
  /** A GitHub App installed on some owners (installApp), whose tokens the forge then accepts. */
  app: GithubApp | undefined

  /** Installs a GitHub App on `owners`; its private key is `app.privateKeyPem`. */
  installApp(owners: string[]): GithubApp {
    this.app = new GithubApp(owners)
    this.tokenKind = 'app'
    return this.app
  }

  /** Users without push access, whom GitHub leaves out of an issue's assignees without a word. */
  readonly withoutPush = new Set<string>()
  /**
   * The documented secondary limits on points and concurrency (docs, About secondary rate limits):
   * 900 REST points a minute (GET 1, other methods 5), 2,000 GraphQL points (query 1, mutation 5),
   * 100 requests at once. What GitHub does past them is the same 403 "secondary rate limit".
   */
  private readonly points = { rest: [] as Array<[number, number]>, graphql: [] as Array<[number, number]> }
  private inFlight = 0
  /** Requests refused for those limits, for tests and the bench to assert none were. */
  refusedForLimits = 0

  /**
   * Whether GitHub signs an API commit: for an App or bot token (the runner's is one), and only
   * when the request names no author and no committer (docs "Signature verification for bots";
   * forge-facts.md, Signed commits). A user token's API commits: unconfirmed, so unsigned here.
   */
  signs(facts: Pick<FlavourFacts, 'family' | 'signsBotApiCommits'>, body: Record<string, unknown>): boolean {
    const bot = this.tokenKind !== 'pat' && body.author === undefined && body.committer === undefined
    return facts.family === 'github' && facts.signsBotApiCommits !== false && bot
  }

  /** The quota runs out now and comes back `seconds` from now. */
  exhaust(seconds: number): void {
    this.remaining = 0
    this.resetAt = Math.floor(Date.now() / 1000) + seconds
  }

  /** The next `times` API requests meet a secondary limit (with Retry-After when given). */
  secondary(times: number, retryAfterSeconds?: number): void {
    this.secondaryLeft = times
    this.secondaryRetryAfter = retryAfterSeconds
  }

  /**
   * The headers of an answer: the quota of the resource the request spent (core, or graphql); on
   * GitHub Enterprise Server its version, and no quota where its rate limits are off.
   */
  headers(path = '', facts?: Pick<FlavourFacts, 'enterprise' | 'rateLimits'>): Record<string, string> {
    const id = randomBytes(8).toString('hex').toUpperCase()
    const enterprise: Record<string, string> = facts?.enterprise
      ? { 'x-github-enterprise-version': facts.enterprise }
      : {}
    if (facts?.rateLimits === false) return { 'x-github-request-id': id, ...enterprise }
    if (this.remaining === 0 && Date.now() / 1000 >= this.resetAt) {
      this.remaining = this.limit
      this.resetAt = Math.floor(Date.now() / 1000) + 3600
    }
    const graphql = path === '/graphql'
    const remaining = graphql ? this.graphqlRemaining : this.remaining
    return {
      'x-github-request-id': id,
      ...enterprise,
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(this.resetAt),
      'x-ratelimit-used': String(this.limit - remaining),
      'x-ratelimit-resource': graphql ? 'graphql' : 'core'
    }
  }

  /**
   * The rate-limit answer for this request, or null to serve it. `/rate_limit` itself is never
   * limited and costs nothing.
   */
  limited(
    method: string,
    path: string
  ): { status: number; message: string; headers: Record<string, string>; body?: unknown } | null {
    if (path === '/rate_limit') return null
    this.headers() // refills a quota whose reset has passed
    const over = this.overLimits(method, path)
    if (over) return over
    if (path === '/graphql') return this.graphqlLimited()
    if (this.secondaryLeft > 0) {
      this.secondaryLeft--
      const headers: Record<string, string> =
        this.secondaryRetryAfter === undefined ? {} : { 'retry-after': String(this.secondaryRetryAfter) }
      return { status: 403, message: SECONDARY, headers }
    }
    if (this.remaining === 0)
      return { status: 403, message: 'API rate limit exceeded for installation ID 4242.', headers: {} }
    if (method !== 'GET') {
      const now = Date.now()
      const lastMinute = this.writes.filter((t) => t > now - 60_000).length
      const lastHour = this.writes.filter((t) => t > now - 3_600_000).length
      if (lastMinute >= 80 || lastHour >= 500) {
        this.refusedWrites++
        return { status: 403, message: SECONDARY, headers: { 'retry-after': '60' } }
      }
      this.writes.push(now)
    }
    this.remaining--
    return null
  }

  /** Each request served is in flight until its answer goes: `answered` ends it. */
  served(): void {
    this.inFlight++
  }

  answered(): void {
    this.inFlight--
  }

  private overLimits(
    method: string,
    path: string
  ): { status: number; message: string; headers: Record<string, string> } | null {
    const pool = path === '/graphql' ? 'graphql' : 'rest'
    const cap = pool === 'graphql' ? 2000 : 900
    // A mutation is 5 points; the test forge's only one enables auto-merge, and a query is 1.
    const cost = pool === 'graphql' ? 1 : method === 'GET' || method === 'HEAD' ? 1 : 5
    const now = Date.now()
    const window = this.points[pool].filter(([at]) => at > now - 60_000)
    this.points[pool] = window
    const spent = window.reduce((sum, [, p]) => sum + p, 0)
    if (this.inFlight >= 100 || spent + cost > cap) {
      this.refusedForLimits++
      return { status: 403, message: SECONDARY, headers: { 'retry-after': '60' } }
    }
    window.push([now, cost])
    return null
  }

  /**
   * A GraphQL query past its points is answered 200 with an error of type RATE_LIMITED (GitHub
   * staff in github/docs#22607; githubkit#271 reports type RATE_LIMIT too). The secondary limit is
   * the REST one's 403. GraphQL is no content creation (its one mutation here enables auto-merge).
   */
  private graphqlLimited(): {
    status: number
    message: string
    headers: Record<string, string>
    body?: unknown
  } | null {
    if (this.secondaryLeft > 0) {
      this.secondaryLeft--
      return { status: 403, message: SECONDARY, headers: {} }
    }
    if (this.graphqlRemaining === 0) {
      const body = { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 4242.' }] }
      return { status: 200, message: '', headers: {}, body }
    }
    this.graphqlRemaining--
    return null
  }
}
