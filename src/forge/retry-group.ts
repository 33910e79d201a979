interface Member {
  request: object
  order: number
  go: (send: boolean) => void
}

/**
 * Retries shared by requests sent together (one template's look-up round: repository, probes,
 * version file). When several fail at once they back off together, then one of them, the
 * canary (the earliest sent: the repository look-up, which decides the most), tries again
 * while the others wait for its word. If the forge answers it, they go again at once; if it
 * does not, they give up with it. So a persistent fault costs the round plus `retries`
 * requests (5 + 3), not the round times four (20), and a blip that hit every request still
 * recovers.
 *
 * A request on its own gets a group of its own: then this is plain bounded retry.
 */
export class RetryGroup {
  private left: number
  private readonly orders = new WeakMap<object, number>()
  private joined = 0
  private round: Member[] | null = null
  private canary: object | null = null
  private waiters: Array<(send: boolean) => void> = []

  constructor(private readonly retries: number) {
    this.left = retries
  }

  /** Every request says when it is sent first, so the group knows which one was earliest. */
  join(request: object): void {
    if (!this.orders.has(request)) this.orders.set(request, this.joined++)
  }

  /**
   * A request of the group failed transiently. Resolves true when it should be sent again:
   * after the backoff (`wait`, given the retry number) when it is the canary, or as soon as the
   * canary got an answer. False: give up.
   */
  retry(request: object, wait: (retry: number) => Promise<boolean>): Promise<boolean> {
    if (this.canary !== null && this.canary !== request) return new Promise((go) => this.waiters.push(go))
    if (this.canary === request) this.canary = null // it failed again: it joins the next round
    return new Promise((go) => {
      if (this.round === null) {
        if (this.left <= 0) {
          go(false)
          this.release(false)
          return
        }
        this.left--
        const round: Member[] = (this.round = [])
        void wait(this.retries - this.left).then((waited) => this.endRound(round, waited))
      }
      this.round.push({ request, order: this.orders.get(request) ?? Infinity, go })
    })
  }

  /** The request is done: `answered` when the forge answered it (success or a final error). */
  settle(request: object, answered: boolean): void {
    if (this.canary !== request) return
    this.canary = null
    this.release(answered)
  }

  private endRound(round: Member[], waited: boolean): void {
    this.round = null
    if (!waited) {
      for (const member of round) member.go(false)
      this.release(false)
      return
    }
    const [first, ...rest] = round.sort((a, b) => a.order - b.order)
    this.canary = first.request
    for (const member of rest) this.waiters.push(member.go)
    first.go(true)
  }

  private release(send: boolean): void {
    const waiters = this.waiters
    this.waiters = []
    for (const go of waiters) go(send)
  }
}
