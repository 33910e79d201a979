/**
 * Whether the forge itself is failing, as opposed to one repository: every recent request failed
 * transiently, nothing succeeded, and the failures came from more than one template. Then new
 * templates are not started and no failed request is retried: a forge in trouble is not hammered.
 * One broken repository (its requests alone failing) never trips it; any answer resets it.
 */
export class ForgeHealth {
  private streak = 0
  private readonly subjects = new Set<string>()
  private last = ''

  constructor(private readonly threshold = 8) {}

  /** The forge answered (2xx, or a final 4xx: it is up, it just said no). */
  answered(): void {
    this.streak = 0
    this.subjects.clear()
  }

  failedTransiently(subject: string, what: string): void {
    this.streak++
    this.subjects.add(subject)
    this.last = what
  }

  /** The last failure when the forge counts as failing; null while it does not. */
  get failing(): { failure: string; streak: number } | null {
    return this.streak >= this.threshold && this.subjects.size >= 2 ? { failure: this.last, streak: this.streak } : null
  }
}
