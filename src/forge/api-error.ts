/** A rate-limit answer (GitHub), and when asking again makes sense. */
export interface RateLimited {
  kind: 'primary' | 'secondary'
  /** When the quota returns (or the secondary limit's pause ends). */
  until: Date
  what: string
}

/**
 * A final answer (or no answer) from the forge's API. status 0 means no HTTP answer at all:
 * reset, refused, timed out. `transient` says whether another try could change it.
 */
export class ApiError extends Error {
  override name = 'ApiError'
  /** Set when the answer was a rate limit (GitHub): when the quota returns. */
  rateLimited?: RateLimited
  constructor(
    readonly status: number,
    message: string,
    readonly transient = false,
    /** The server's own words (redacted, one line), when it sent any. */
    readonly serverText = '',
    readonly retryAfterMs?: number
  ) {
    super(message)
  }

  /** The same failure, its message prefixed with what was being done. */
  during(what: string): ApiError {
    return this.withMessage(`${what}: ${this.message}`)
  }

  withMessage(message: string): ApiError {
    const copy = new ApiError(this.status, message, this.transient, this.serverText, this.retryAfterMs)
    copy.rateLimited = this.rateLimited
    return copy
  }
}

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

/** A 404 answer as null; any other failure rethrown. */
export async function absentOn404<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null
    throw error
  }
}
