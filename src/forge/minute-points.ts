/**
 * GitHub's secondary rate limits, kept by the client instead of discovered by a 403 (docs, "Rate
 * limits for the REST API", About secondary rate limits; shared/forge-facts.md): at most 100
 * concurrent requests, REST and GraphQL together; at most 900 points a minute for REST, where a
 * GET, HEAD or OPTIONS is 1 point and any other method 5; at most 2,000 points a minute for
 * GraphQL, a query 1 point and a mutation 5. The caps here keep a margin for whatever else uses
 * the same token (the workflow's other steps, another run). Gitea and Forgejo limit nothing.
 */
export const REST_POINTS_PER_MINUTE = 800
export const GRAPHQL_POINTS_PER_MINUTE = 1800
export const GITHUB_CONCURRENT = 50

export type PointPool = 'rest' | 'graphql'

export interface Cost {
  pool: PointPool
  points: number
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** What one request costs against GitHub's secondary limits. */
export function costOf(method: string, path: string, body: unknown): Cost {
  if (path === '/graphql') {
    const query = (body as { query?: unknown } | undefined)?.query
    return { pool: 'graphql', points: typeof query === 'string' && /^\s*mutation\b/.test(query) ? 5 : 1 }
  }
  return { pool: 'rest', points: READS.has(method.toUpperCase()) ? 1 : 5 }
}

/** Points spent in the last minute, sliding; the cap a request must fit under. */
export class MinutePoints {
  private readonly spent: Array<{ at: number; points: number }> = []
  private total = 0

  constructor(readonly cap: number) {}

  /** Counts `points` already spent (a response time, known only once the answer came). */
  spend(points: number, now = Date.now()): void {
    this.spent.push({ at: now, points })
    this.total += points
  }

  /** Takes `points` now (0), or says how many ms until they fit. A request alone over the cap waits for an empty minute. */
  take(points: number, now = Date.now()): number {
    while (this.spent.length > 0 && this.spent[0].at <= now - 60_000) this.total -= this.spent.shift()!.points
    if (this.total + points <= this.cap || this.spent.length === 0) {
      this.spent.push({ at: now, points })
      this.total += points
      return 0
    }
    // The earliest time enough of the oldest points have left the window.
    let freed = this.total
    for (const s of this.spent) {
      freed -= s.points
      if (freed + points <= this.cap) return Math.max(1, s.at + 60_000 - now)
    }
    return Math.max(1, this.spent[this.spent.length - 1].at + 60_000 - now)
  }
}
