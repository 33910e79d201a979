/**
 * How many repositories the next GraphQL look-up query asks for. GitHub ends any request it
 * cannot finish in 10 seconds (docs, "Rate limits and query limits for the GraphQL API",
 * Timeouts), and aliased queries for about a hundred repositories are known to meet that
 * (community discussion #24408; simonw/datasette.io#122 went from 100 to 50 to 20). So:
 * - the size aims at answers in half the deadline, from the time per repository the answers so
 *   far took (the slowest recent one counts most: a fast answer does not undo a slow one at once);
 * - a query that timed out caps every later size at half its own, and the time it took to be
 *   cut is the deadline from then on (a proxy in front of GitHub Enterprise may cut sooner);
 * - never more than the cap the query's shape allows (look-ahead.ts), never fewer than one.
 */
export const GITHUB_REQUEST_DEADLINE_MS = 10_000
const AIM = 0.5
/** Of a new answer's time per repository, how much moves the estimate when it is faster. */
const EASE = 0.3

export class BatchSizer {
  private deadlineMs = GITHUB_REQUEST_DEADLINE_MS
  private msPerRepo: number | undefined
  private ceiling: number

  constructor(readonly cap: number) {
    this.ceiling = Math.max(1, cap)
  }

  /** The size of the next query. */
  next(): number {
    const byTime = this.msPerRepo === undefined ? Infinity : Math.floor((this.deadlineMs * AIM) / this.msPerRepo)
    return Math.max(1, Math.min(this.ceiling, byTime))
  }

  /** A query of `size` repositories was answered in `ms`. */
  answered(size: number, ms: number): void {
    if (size < 1 || ms < 0) return
    const per = ms / size
    const was = this.msPerRepo
    this.msPerRepo = was === undefined || per >= was ? per : was + (per - was) * EASE
  }

  /** A query of `size` repositories was cut after `ms`; its halves are asked again. */
  timedOut(size: number, ms: number): void {
    this.ceiling = Math.max(1, Math.min(this.ceiling, Math.floor(size / 2)))
    if (ms > 0) this.deadlineMs = Math.min(this.deadlineMs, ms)
    // It took at least the deadline for `size`: no faster than that per repository.
    this.answered(size, Math.max(ms, this.deadlineMs))
  }
}
