import type { IncomingHttpHeaders } from 'node:http'
import type { Redactor } from '../shared/redact.js'
import {
  backoffDelay,
  parseRetryAfter,
  seconds,
  sleep,
  TRANSIENT_STATUS,
  type RetryPolicy
} from '../shared/retry-policy.js'
import { ApiError } from './api-error.js'
import { ForgeFailingError, RateLimitStopError, TokenRejectedError } from '../shared/run-control.js'
import type { ForgeHealth } from './forge-health.js'
import { first, type HttpTransport } from './http-transport.js'
import { costOf } from './minute-points.js'
import { rateLimitOf, type RateGate } from './rate-limit.js'
import type { RequestBudget } from './request-budget.js'
import type { WriteBudget } from './write-budget.js'
import type { ForgeKind } from './forge-traits.js'
import { ownerOf, type Credentials } from './credentials.js'
import { RetryGroup } from './retry-group.js'
import type { Log } from '../shared/log.js'

export type { ForgeKind }

/** A quota as GitHub's last answer for its resource (core, graphql, search) said it. */
export interface Quota {
  limit: number
  remaining: number
  reset: Date
}

/** A 2xx answer: its JSON (undefined for an empty body), headers and the URL it came from. */
export interface Answer {
  status: number
  data: unknown
  headers: IncomingHttpHeaders
  url: string
}

export interface CallOptions {
  body?: unknown
  /** Requests sent together share their retries (see RetryGroup); by default a request is alone. */
  group?: RetryGroup
  /** Who is asking: a template's name, or 'run' for the run's own requests (health tracking). */
  subject?: string
  /** The template's bound on requests (see RequestBudget); the run's own requests have none. */
  budget?: RequestBudget
  log?: Log
  /** Whose repositories a request without one in its path is about (a GraphQL query): picks the token. */
  owner?: string
  /** The Authorization header as given (a GitHub App's JWT), instead of the credentials'. */
  authorization?: string
  /** A transient failure this caller handles itself (a cut GraphQL query is split): thrown at once, no fault of the forge. */
  giveUpOn?: (failure: ApiError) => boolean
}

export interface ForgeClientOptions {
  apiUrl: string
  transport: HttpTransport
  policy: RetryPolicy
  health: ForgeHealth
  gate: RateGate
  /** How long a rate limit may be waited out, in ms. */
  rateLimitWaitMs: number
  /** GitHub's content-creation budget, taken by every request it may count (write-budget.ts). */
  writeBudget?: WriteBudget
  /** The token (or, with a GitHub App, the token per owner) each request carries; made with the client when it needs it. */
  credentials: Credentials | ((client: ForgeClient) => Credentials)
  redactor: Redactor
  signal?: AbortSignal
}

// A rate limit waited out is not a fault, but a forge that keeps answering it is: bounded too.
const MAX_RATE_WAITS = 3

/**
 * The one road to the forge's REST API: every request passes the rate gate, goes out through
 * the transport, and comes back as parsed JSON or an ApiError. Transient faults (5xx, 429,
 * resets, timeouts) are retried with backoff within the request's group; 4xx never are. A 401,
 * a rate limit too far away and a failing forge stop the run (RunStopError).
 */
export class ForgeClient {
  /** Learnt from the answers: GitHub marks every one with x-github-request-id. */
  kind: ForgeKind | undefined
  /** GitHub Enterprise Server's version, from its x-github-enterprise-version header. */
  enterprise: string | undefined
  /** Some answer carried x-ratelimit-* headers: the server limits requests (GHES may not). */
  limited = false
  /** GitHub's quotas by resource, from the x-ratelimit-* headers of the latest answers. */
  readonly quotas = new Map<string, Quota>()

  readonly credentials: Credentials

  constructor(private readonly options: ForgeClientOptions) {
    const { credentials } = options
    this.credentials = typeof credentials === 'function' ? credentials(this) : credentials
  }

  get apiUrl(): string {
    return this.options.apiUrl
  }

  async call(method: string, path: string, call: CallOptions = {}): Promise<Answer> {
    const { policy, health, signal } = this.options
    const group = call.group ?? new RetryGroup(policy.attempts - 1)
    const subject = call.subject ?? 'run'
    const what = `${method} ${path.replace(/\?.*/, '')}`
    const me = {}
    group.join(me)
    let rateWaits = 0
    let tries = 0
    let failedOnce = false
    const owner = ownerOf(path) ?? call.owner
    health.sent(subject)
    try {
      for (;;) {
        const failing = health.failing
        if (failing && tries > 0) throw new ForgeFailingError(this.options.apiUrl, failing.failure, failing.streak)
        // Before the gate: a token being minted must not hold a place its own requests need.
        const authorization = call.authorization ?? (await this.authorize(owner, subject, failedOnce))
        const failure = await this.attempt(method, path, call, authorization, what)
        tries++
        if (!(failure instanceof ApiError)) {
          health.answered(subject, failedOnce)
          group.settle(me, true)
          return failure
        }
        if (signal?.aborted) throw failure
        if (failure.rateLimited) {
          this.waitOut(failure.rateLimited, ++rateWaits, what, call)
          tries--
          continue
        }
        if (!failure.transient || call.giveUpOn?.(failure)) {
          health.answered(subject, failedOnce)
          group.settle(me, true)
          throw failure
        }
        health.failedTransiently(subject, failure.message, !failedOnce)
        failedOnce = true
        const nowFailing = health.failing
        if (nowFailing) throw new ForgeFailingError(this.options.apiUrl, nowFailing.failure, nowFailing.streak)
        const wait = (retry: number) => {
          const delay = backoffDelay(policy, retry, failure.retryAfterMs)
          call.log?.(`${what}: ${failure.message}; retry ${retry} in ${seconds(delay)}`)
          return sleep(delay, signal)
        }
        if (tries >= policy.attempts || !(await group.retry(me, wait))) {
          throw tries > 1 ? failure.withMessage(`${failure.message} (after ${tries} attempts)`) : failure
        }
      }
    } finally {
      group.settle(me, false)
    }
  }

  /** One try: through the budgets and the gate, the exchange; its answer, or the ApiError it met. */
  private async attempt(
    method: string,
    path: string,
    call: CallOptions,
    authorization: string,
    what: string
  ): Promise<Answer | ApiError> {
    call.budget?.spend()
    await this.admit(method, path, call)
    try {
      return await this.exchange(method, path, call.body, authorization, call.authorization === undefined)
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      call.budget?.refused(what, error.message)
      return error
    } finally {
      this.options.gate.leave()
    }
  }

  /** The credentials' Authorization for `owner`; a refusal (no App installation there) is the forge's answer. */
  private async authorize(owner: string | undefined, subject: string, failedOnce: boolean): Promise<string> {
    try {
      return await this.credentials.authorization(owner)
    } catch (error) {
      this.options.health.answered(subject, failedOnce)
      throw error
    }
  }

  /** Room in GitHub's content-creation budget for a request it counts, then a place at the rate gate. */
  private async admit(method: string, path: string, call: CallOptions): Promise<void> {
    const { writeBudget, rateLimitWaitMs, gate, signal } = this.options
    if (this.createsContent(method, path, call.body)) await writeBudget?.room(1, rateLimitWaitMs, signal, call.log)
    await gate.enter(signal, this.cost(method, path, call.body))
  }

  /** A request GitHub may count as creating content: any REST write, a GraphQL mutation. */
  private createsContent(method: string, path: string, body: unknown): boolean {
    // Minting an App's installation token creates no content.
    if (this.kind !== 'github' || method === 'GET' || path.startsWith('/app/')) return false
    return path !== '/graphql' || costOf(method, path, body).points > 1
  }

  /** GitHub's points for its secondary limits, counted where the server limits at all (GHES may not). */
  private cost(method: string, path: string, body: unknown) {
    return this.kind === 'github' && this.limited ? costOf(method, path, body) : undefined
  }

  /** Waits the backoff before retry number `retry` (retry-delay-ms, doubling); false when the run was cancelled. */
  pause(retry: number): Promise<boolean> {
    return sleep(backoffDelay(this.options.policy, retry), this.options.signal)
  }

  /** A rate limit: waited out at the gate when it returns soon enough, else the run stops. */
  private waitOut(limited: NonNullable<ApiError['rateLimited']>, waits: number, what: string, call: CallOptions): void {
    if (limited.until.getTime() - Date.now() > this.options.rateLimitWaitMs || waits > MAX_RATE_WAITS) {
      throw new RateLimitStopError(limited.what, limited.until, Math.round(this.options.rateLimitWaitMs / 1000))
    }
    this.options.gate.pause(limited)
    call.log?.(`${what}: ${limited.what}; waiting until ${limited.until.toISOString()}`)
  }

  /**
   * REST paths hang below the API base; GitHub's GraphQL endpoint is `https://api.github.com/graphql`,
   * on GitHub Enterprise Server `https://HOST/api/graphql` beside `/api/v3` (GitHub docs, "Forming
   * calls with GraphQL").
   */
  private url(path: string): string {
    const base = this.options.apiUrl
    if (path !== '/graphql') return base + path
    return /\/api\/v3$/.test(base) ? base.replace(/\/v3$/, '/graphql') : `${base}/graphql`
  }

  /** One exchange, classified: a 2xx comes back parsed, anything else throws. */
  private async exchange(
    method: string,
    path: string,
    body: unknown,
    authorization: string,
    ownToken: boolean
  ): Promise<Answer> {
    const reply = await this.options.transport.send(method, this.url(path), body, authorization)
    if (reply.headers['x-github-request-id'] !== undefined) this.kind = 'github'
    else if (this.kind === undefined && reply.status > 0) this.kind = 'gitea'
    this.enterprise ??= first(reply.headers['x-github-enterprise-version'])
    this.noteQuota(reply.headers)
    // A 401 to the run's token stops the run; to a JWT given by the caller, the caller decides.
    if (reply.status === 401 && ownToken) throw new TokenRejectedError(new URL(this.options.apiUrl).origin)
    if (reply.status < 200 || reply.status > 299) {
      const text = this.serverMessage(reply.text)
      const error = new ApiError(
        reply.status,
        `HTTP ${reply.status}: ${text || 'no message'}`,
        TRANSIENT_STATUS.has(reply.status),
        text,
        parseRetryAfter(first(reply.headers['retry-after']))
      )
      error.rateLimited = rateLimitOf(reply.status, reply.headers, reply.text) ?? undefined
      throw error
    }
    if (reply.status === 204 || reply.text === '')
      return { status: reply.status, data: undefined, headers: reply.headers, url: reply.url }
    try {
      return { status: reply.status, data: JSON.parse(reply.text), headers: reply.headers, url: reply.url }
    } catch {
      // Unreadable state fails closed: never guess what a garbled answer meant.
      const type = first(reply.headers['content-type'])?.split(';')[0] ?? 'no content type'
      throw new ApiError(reply.status, `HTTP ${reply.status} with a body that is not JSON (${type})`)
    }
  }

  private noteQuota(headers: IncomingHttpHeaders): void {
    const [limit, remaining, reset] = ['limit', 'remaining', 'reset'].map((h) =>
      Number(first(headers[`x-ratelimit-${h}`]) ?? NaN)
    )
    if (![limit, remaining, reset].every(Number.isFinite)) return
    this.limited = true
    const resource = first(headers['x-ratelimit-resource']) ?? 'core'
    this.quotas.set(resource, { limit, remaining, reset: new Date(reset * 1000) })
  }

  /**
   * The server's own words: the JSON `message` (with GitHub's errors[].message details), or the
   * raw text with HTML tags dropped; redacted before it is shortened, never after.
   */
  private serverMessage(text: string): string {
    let message: string
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>
      message = typeof parsed?.message === 'string' ? parsed.message : text
      const details = Array.isArray(parsed?.errors)
        ? parsed.errors.map(errorText).filter((e) => e && e !== message)
        : []
      if (details.length > 0) message = `${message}: ${details.join('; ')}`
    } catch {
      // Not JSON: an HTML error page from a proxy, say. Its tags are noise; a JSON message's
      // angle brackets are words (Gitea's "<Repository 2:o/r> is archived").
      message = text.replace(/<[^>]*>/g, ' ')
    }
    return this.options.redactor.clip(message, 200)
  }
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e
  const message = (e as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : ''
}
