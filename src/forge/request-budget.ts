/**
 * The safety net under every loop that talks to the forge: one template never costs more than
 * MAX_REQUESTS_PER_TEMPLATE REST requests, whatever the forge answers. Each bounded loop has its
 * own, smaller bound; this one holds when the forge's answers contradict each other (a 409 that
 * says "exists" for a branch a look-up then cannot find, a conflict that comes back on every
 * write) and some loop's reasoning would go round again.
 */
export const MAX_REQUESTS_PER_TEMPLATE = 60

/** The template's requests ran out: not an ApiError, so no handler mistakes it for an answer. */
export class RequestBoundError extends Error {
  override name = 'RequestBoundError'
}

/** Counts one template's requests (every try, retries included) in the forge client. */
export class RequestBudget {
  private sent = 0
  /** The last refusal, for the message: "PUT /repos/o/r/contents/x: HTTP 409: ...". */
  private last: string | undefined

  constructor(readonly limit = MAX_REQUESTS_PER_TEMPLATE) {}

  get used(): number {
    return this.sent
  }

  /** Called before each request goes out; throws once the bound is reached. */
  spend(): void {
    if (this.sent >= this.limit) {
      const last = this.last ? `the last refusal: ${this.last}` : 'none was refused'
      throw new RequestBoundError(`stopped after ${this.sent} requests: the forge's answers did not converge (${last})`)
    }
    this.sent++
  }

  /** A request the forge refused or failed: the likeliest reason a loop went round. */
  refused(what: string, answer: string): void {
    this.last = `${what}: ${answer}`
  }
}
