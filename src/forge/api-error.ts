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
  /** Set when the request was never sent for want of a credential: no App installation on the owner. */
  notInstalled?: true
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
    // A request never sent was not "during" anything: the owner's missing installation says it all.
    return this.notInstalled ? this : this.withMessage(`${what}: ${this.message}`)
  }

  withMessage(message: string): ApiError {
    const copy = new ApiError(this.status, message, this.transient, this.serverText, this.retryAfterMs)
    copy.rateLimited = this.rateLimited
    copy.notInstalled = this.notInstalled
    return copy
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
