/**
 * GitHub limits content-creating requests per token: 80 a minute and 500 an hour, git pushes not
 * counted (shared/forge-facts.md). A large run must not walk into that limit, so writes are
 * counted here, less a margin for anything else using the same token. Gitea and Forgejo have no
 * such limit: there the budget never runs out.
 */
export const PER_MINUTE = 75
export const PER_HOUR = 475

export class WriteBudget {
  private readonly spent: number[] = []

  constructor(private readonly limited: () => boolean) {}

  /** Takes `n` writes from the budget, or says how long until they fit (ms). */
  take(n: number, now = Date.now()): { ok: true } | { ok: false; waitMs: number } {
    if (!this.limited()) return { ok: true }
    const minute = this.spent.filter((t) => t > now - 60_000)
    const hour = this.spent.filter((t) => t > now - 3_600_000)
    if (minute.length + n <= PER_MINUTE && hour.length + n <= PER_HOUR) {
      for (let i = 0; i < n; i++) this.spent.push(now)
      return { ok: true }
    }
    const free = (window: number[], span: number, cap: number) =>
      window.length + n <= cap ? 0 : window[window.length + n - cap - 1] + span - now
    return { ok: false, waitMs: Math.max(free(minute, 60_000, PER_MINUTE), free(hour, 3_600_000, PER_HOUR), 1) }
  }
}
