import * as core from '@actions/core'
import type { WriteBudget } from '../forge/write-budget.js'
import type { TransportChoice } from '../inputs/settings.js'

/**
 * Where a pin goes when GitHub's content-creation budget is spent. The forge client takes the
 * budget for every request GitHub counts, and waits for room (bounded by rate-limit-wait, past
 * which the run stops with the one rate-limit error). A pin under `auto` does not wait: the rest
 * land through git, which that budget does not count, and the log says so once.
 */
export class WritePacing {
  private noted = false

  constructor(
    private readonly budget: WriteBudget,
    private readonly transport: TransportChoice
  ) {}

  /** For a pin of `writes` content-creating requests: 'ok' through the API, 'spent' to land it through git (auto). */
  readonly pin = async (writes: number): Promise<'ok' | 'spent'> => {
    if (this.transport !== 'auto' || this.budget.fits(writes)) return 'ok'
    if (!this.noted) {
      this.noted = true
      core.info("GitHub's budget for content-creating requests is spent for now: the rest land through git")
    }
    return 'spent'
  }
}
