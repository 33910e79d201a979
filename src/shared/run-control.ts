import { setMaxListeners } from 'node:events'
/**
 * Something that stops the whole run, not just one template: every remaining template would
 * fail the same way, so the run reports one error for the one cause. `notAttempted` is the
 * reason given to templates that were never started.
 */
export class RunStopError extends Error {
  override name = 'RunStopError'
  constructor(
    message: string,
    readonly notAttempted: string,
    /** The reason for the template in flight whose request met the cause. */
    readonly inFlight: string
  ) {
    super(message)
  }
}

/** The forge answered 401: the token itself is wrong, expired or revoked. */
export class TokenRejectedError extends RunStopError {
  constructor(server: string) {
    super(
      `the token was rejected by ${server} (HTTP 401): it is wrong, expired or revoked. ` +
        'Mint a new token with write access to every template and update the secret.',
      'not attempted: the token was rejected',
      'the token was rejected (HTTP 401)'
    )
  }
}

/** The forge's API rate limit will not return within rate-limit-wait. */
export class RateLimitStopError extends RunStopError {
  constructor(what: string, resetAt: Date, boundSeconds: number) {
    const when = resetAt.toISOString().replace(/\.\d+Z$/, 'Z')
    const minutes = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 60_000))
    super(
      `${what}: the quota returns at ${when} (in about ${minutes} min), later than rate-limit-wait ` +
        `(${boundSeconds} s) allows. Stopped; re-run with failed-templates after ${when}.`,
      'not attempted: rate limit',
      `rate limit: ${what}, until ${when}`
    )
  }
}

/** Every recent request failed transiently and none succeeded: stop asking. */
export class ForgeFailingError extends RunStopError {
  constructor(server: string, failure: string, streak: number) {
    super(
      `the forge at ${server} is failing: the last ${streak} requests failed (${failure}) and none succeeded. ` +
        'Stopped starting templates; re-run with failed-templates when it is back.',
      `not attempted: the forge is failing (${failure})`,
      `${failure} (the forge is failing: not retried)`
    )
  }
}

/** The runner cancelled the step. */
export class CancelledError extends RunStopError {
  constructor(signal: string) {
    super(`cancelled (${signal}): stopped; templates not finished are listed as failed`, 'cancelled', 'cancelled')
  }
}

/**
 * What every template consults before it starts: whether the run has stopped (a rejected token,
 * a rate limit too far off, a failing forge, a cancel), and the signal that ends waits and
 * requests when the runner cancels the step.
 */
export class RunControl {
  private reason: RunStopError | null = null
  private readonly controller = new AbortController()

  constructor() {
    // Every wait listens for the cancel (each removes its listener when done); with dozens of
    // requests waiting for GitHub's points at once, Node's default warning at 11 is noise.
    setMaxListeners(0, this.controller.signal)
  }

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
