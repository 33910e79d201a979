import { RateLimitStopError } from '../shared/run-control.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import type { Log } from '../shared/log.js'
import { GITHUB_WRITE_LIMIT, type WriteLimit } from './forge-traits.js'

/**
 * GitHub limits content-creating requests per token: 80 a minute and 500 an hour, git pushes not
 * counted (shared/forge-facts.md). Every request GitHub may count (any REST write, a GraphQL
 * mutation; its description marks opening a pull request, commenting, asking for reviewers and
 * merging "Creating content too quickly using this endpoint may result in secondary rate
 * limiting") takes from this budget in the forge client, less a margin for anything else using
 * the token. A shard of a job matrix takes its share: the token is the shards'. A forge that
 * announces no limits (Gitea, Forgejo, GHES by default) has no budget.
 */
export const PER_MINUTE = GITHUB_WRITE_LIMIT.perMinute
export const PER_HOUR = GITHUB_WRITE_LIMIT.perHour

export class WriteBudget {
  private readonly spent: number[] = []

  /**
   * `limit`: the forge's (null: none); `share`: this run's part of it (a shard i/n takes 1/n).
   * The limit is asked each time: it is known only once the forge has answered.
   */
  constructor(
    private readonly limit: () => WriteLimit | null,
    private readonly share = 1
  ) {}

  /** Takes `n` writes from the budget, or says how long until they fit (ms). */
  take(n: number, now = Date.now()): { ok: true } | { ok: false; waitMs: number } {
    const caps = this.caps()
    if (!caps || this.fits(n, now)) {
      if (caps) for (let i = 0; i < n; i++) this.spent.push(now)
      return { ok: true }
    }
    const { minute, hour } = this.windows(now)
    const free = (window: number[], span: number, cap: number) =>
      window.length + n <= cap ? 0 : window[Math.max(0, window.length + n - cap - 1)] + span - now
    return {
      ok: false,
      waitMs: Math.max(free(minute, 60_000, caps.perMinute), free(hour, 3_600_000, caps.perHour), 1)
    }
  }

  /** Whether `n` writes would fit now (nothing taken): under `transport: auto`, else git takes the pin. */
  fits(n: number, now = Date.now()): boolean {
    const caps = this.caps()
    if (!caps) return true
    const { minute, hour } = this.windows(now)
    return minute.length + n <= caps.perMinute && hour.length + n <= caps.perHour
  }

  /** The writes taken in the last minute and the last hour. */
  private windows(now: number): { minute: number[]; hour: number[] } {
    return {
      minute: this.spent.filter((t) => t > now - 60_000),
      hour: this.spent.filter((t) => t > now - 3_600_000)
    }
  }

  /** Waits until `n` writes fit and takes them; past `waitMs` the run stops, saying when they would. */
  async room(n: number, waitMs: number, signal: AbortSignal | undefined, log?: Log): Promise<void> {
    for (;;) {
      const room = this.take(n)
      if (room.ok) return
      if (room.waitMs > waitMs) {
        const caps = this.caps()!
        throw new RateLimitStopError(
          `GitHub's limit on content-creating requests (${caps.perMinute} a minute, ${caps.perHour} an hour here)`,
          new Date(Date.now() + room.waitMs),
          Math.round(waitMs / 1000)
        )
      }
      log?.(`GitHub's content-creation budget is spent: waiting ${seconds(room.waitMs)}`)
      if (!(await sleep(room.waitMs, signal))) return
    }
  }

  /** The caps this run keeps under: the forge's limit, its margin taken already, times the share. */
  private caps(): WriteLimit | null {
    const limit = this.limit()
    if (!limit) return null
    return {
      perMinute: Math.max(1, Math.floor(limit.perMinute * this.share)),
      perHour: Math.max(1, Math.floor(limit.perHour * this.share))
    }
  }
}
