/**
 * Whether the forge itself is failing, as opposed to a repository or two: every recent request
 * failed transiently, nothing answered, and the failures came from at least three templates (a
 * forge that is down fails them all; a couple of broken repositories among healthy ones, whose
 * neighbours are busy in git for a while, must not look like that). Then new templates are not
 * started and no failed request is retried: a forge in trouble is not hammered. Any answer
 * resets it.
 */
export class ForgeHealth {
  private streak = 0
  private readonly subjects = new Set<string>()
  private last = ''

  constructor(
    private readonly threshold = 8,
    private readonly subjectsNeeded = 3
  ) {}

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
    return this.streak >= this.threshold && this.subjects.size >= this.subjectsNeeded
      ? { failure: this.last, streak: this.streak }
      : null
  }
}
