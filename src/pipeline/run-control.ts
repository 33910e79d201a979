import { CancelledError, RunStopError } from '../forge/api-error.js'

/**
 * What every template consults before it starts: whether the run has stopped (a rejected token,
 * a rate limit too far off, a failing forge, a cancel), and the signal that ends waits and
 * requests when the runner cancels the step.
 */
export class RunControl {
  private reason: RunStopError | null = null
  private readonly controller = new AbortController()

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get stopped(): RunStopError | null {
    return this.reason
  }

  /** The first cause wins: it is the one error the run reports. */
  stop(reason: RunStopError): void {
    this.reason ??= reason
  }

  cancel(signal: string): void {
    this.stop(new CancelledError(signal))
    this.controller.abort()
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted
  }
}
