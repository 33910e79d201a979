import type { IncomingHttpHeaders } from 'node:http'
import { parseRetryAfter, sleep } from '../shared/retry-policy.js'
import type { RateLimited } from './api-error.js'
import { first } from './http-transport.js'
import {
  GITHUB_CONCURRENT,
  GRAPHQL_POINTS_PER_MINUTE,
  MinutePoints,
  REST_POINTS_PER_MINUTE,
  type Cost,
  type PointPool
} from './minute-points.js'

const SECONDARY_DEFAULT_MS = 60_000

/**
 * GitHub's rate-limit answers (Gitea and Forgejo limit nothing): 403 or 429 with
 * `x-ratelimit-remaining: 0` is the primary limit, back at `x-ratelimit-reset` (epoch seconds);
 * "secondary rate limit" in the body is the secondary one: honour `retry-after`, or wait at least
 * a minute. Anything else, a plain 403 included, is not a rate limit.
 */
export function rateLimitOf(
  status: number,
  headers: IncomingHttpHeaders,
  body: string,
  now = Date.now()
): RateLimited | null {
  if (status !== 403 && status !== 429) return null
  const retryAfter = parseRetryAfter(first(headers['retry-after']), now)
  const remaining = first(headers['x-ratelimit-remaining'])
  const reset = Number(first(headers['x-ratelimit-reset']))
  const resetAt = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined
  if (/secondary rate limit/i.test(body)) {
    const wait = retryAfter ?? (remaining === '0' && resetAt ? resetAt - now : SECONDARY_DEFAULT_MS)
    return { kind: 'secondary', until: new Date(now + Math.max(wait, 0)), what: 'GitHub secondary rate limit' }
  }
  if (remaining === '0') {
    const until = retryAfter !== undefined ? now + retryAfter : (resetAt ?? now + SECONDARY_DEFAULT_MS)
    return { kind: 'primary', until: new Date(Math.max(until, now)), what: 'GitHub API rate limit exhausted' }
  }
  return null
}

/**
 * The gate every API request passes: a pause shared by all requests while a rate limit lasts
 * (one answer is enough to know; the others need not each find out), a cap on requests in
 * flight that halves after each secondary limit, which GitHub sets for too much concurrency,
 * and on GitHub its documented secondary limits kept ahead of time (minute-points.ts): the
 * concurrent requests and the points a minute of REST and of GraphQL.
 */
export class RateGate {
  private pausedUntil = 0
  private limit = Infinity
  private inFlight = 0
  private readonly queue: Array<() => void> = []
  private readonly minute: Record<PointPool, MinutePoints>
  private readonly concurrent: number

  /** `share`: this run's part of the token's limits (a shard i/n takes 1/n: the token is the shards'). */
  constructor(share = 1) {
    this.minute = {
      rest: new MinutePoints(Math.floor(REST_POINTS_PER_MINUTE * share)),
      graphql: new MinutePoints(Math.floor(GRAPHQL_POINTS_PER_MINUTE * share))
    }
    this.concurrent = Math.max(1, Math.floor(GITHUB_CONCURRENT * share))
  }
  /** `cost`: GitHub's, for its secondary limits; undefined on a forge that limits nothing. */
  async enter(signal?: AbortSignal, cost?: Cost): Promise<void> {
    while (Date.now() < this.pausedUntil) {
      if (!(await sleep(this.pausedUntil - Date.now(), signal))) return
    }
    const cap = cost ? Math.min(this.limit, this.concurrent) : this.limit
    while (this.inFlight >= cap && !signal?.aborted) await new Promise<void>((resolve) => this.queue.push(resolve))
    this.inFlight++
    if (!cost) return
    // Bounded: each wait ends when the oldest points leave the minute.
    const minute = this.minute[cost.pool]
    for (let wait = minute.take(cost.points); wait > 0; wait = minute.take(cost.points)) {
      if (!(await sleep(wait, signal))) return
    }
  }

  leave(): void {
    this.inFlight--
    this.queue.shift()?.()
  }

  /** Pauses every request until `until`; after a secondary limit also fewer at once. */
  pause(limited: RateLimited): void {
    this.pausedUntil = Math.max(this.pausedUntil, limited.until.getTime())
    if (limited.kind === 'secondary') this.limit = Math.max(1, Math.floor(Math.min(this.limit, this.inFlight + 1) / 2))
  }
}
