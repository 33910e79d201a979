import * as core from '@actions/core'
import { RateLimitStopError } from '../shared/run-control.js'
import { PER_HOUR, PER_MINUTE, type WriteBudget } from '../forge/write-budget.js'
import type { TransportChoice } from '../inputs/settings.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import type { Log } from '../shared/log.js'

/**
 * How writes meet GitHub's content-creation budget. A pull request, or any write under
 * `transport: api`, waits for room (bounded by rate-limit-wait, past which the run stops with
 * the one rate-limit error); a pin under `auto` does not wait: the rest land through git, which
 * that budget does not count, and the log says so once.
 */
export class WritePacing {
  private noted = false

  constructor(
    private readonly budget: WriteBudget,
    private readonly transport: TransportChoice,
    private readonly waitSeconds: number,
    private readonly signal: AbortSignal
  ) {}

  /** Waits until `writes` fit in the budget. */
  readonly room = async (writes: number, log: Log): Promise<void> => {
    for (;;) {
      const room = this.budget.take(writes)
      if (room.ok) return
      if (room.waitMs > this.waitSeconds * 1000) {
        throw new RateLimitStopError(
          `GitHub's limit on content-creating requests (${PER_MINUTE} a minute, ${PER_HOUR} an hour here)`,
          new Date(Date.now() + room.waitMs),
          this.waitSeconds
        )
      }
      log(`GitHub's content-creation budget is spent: waiting ${seconds(room.waitMs)}`)
      if (!(await sleep(room.waitMs, this.signal))) return
    }
  }

  /** For a pin: 'ok' to write through the API now, 'spent' to land it through git instead (auto). */
  readonly pin = async (writes: number, log: Log): Promise<'ok' | 'spent'> => {
    if (this.transport !== 'auto') return this.room(writes, log).then(() => 'ok' as const)
    if (this.budget.take(writes).ok) return 'ok'
    if (!this.noted) {
      this.noted = true
      core.info(
        `GitHub's budget for content-creating requests (${PER_MINUTE} a minute, ${PER_HOUR} an hour) is spent: the rest land through git`
      )
    }
    return 'spent'
  }
}
