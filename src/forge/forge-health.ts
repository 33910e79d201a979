/** What the forge has done with one subject's requests (a template's, or the run's own). */
interface SubjectState {
  sent: number
  /** Requests answered (2xx, or a final 4xx). */
  answered: number
  /** Requests that have failed transiently at least once and not been answered since. */
  failed: number
}

/**
 * Whether the forge itself is failing, as opposed to a repository or two: every recent request
 * failed transiently, nothing answered, and at least three templates are dark: none of their
 * requests answered, and two of them (or the only one) failed. A forge that is down darkens
 * every template it meets at its second failed request; a broken repository darkens only its
 * own; a blip on one request of a template whose other requests are still on their way (an
 * error page comes back faster than a file) leaves it lit, however slowly those answers arrive
 * on a busy runner, and its retries do not count again. Then new templates are not started and
 * no failed request is retried: a forge in trouble is not hammered. Any answer resets the
 * streak.
 */
export class ForgeHealth {
  private streak = 0
  private readonly inStreak = new Set<string>()
  private readonly subjects = new Map<string, SubjectState>()
  private last = ''

  constructor(
    private readonly threshold = 8,
    private readonly darkNeeded = 3
  ) {}

  /** A request of `subject` goes out for the first time. */
  sent(subject: string): void {
    this.state(subject).sent++
  }

  /** The forge answered (2xx, or a final 4xx: it is up, it just said no). */
  answered(subject: string, hadFailed: boolean): void {
    const state = this.state(subject)
    state.answered++
    if (hadFailed) state.failed--
    this.streak = 0
    this.inStreak.clear()
  }

  /** A request failed transiently; `first` when it is this request's first failure. */
  failedTransiently(subject: string, what: string, first: boolean): void {
    if (first) this.state(subject).failed++
    this.streak++
    this.inStreak.add(subject)
    this.last = what
  }

  /** The last failure when the forge counts as failing; null while it does not. */
  get failing(): { failure: string; streak: number } | null {
    if (this.streak < this.threshold) return null
    const dark = [...this.inStreak].filter((subject) => {
      const s = this.state(subject)
      return s.answered === 0 && s.failed >= Math.min(2, s.sent)
    })
    return dark.length >= this.darkNeeded ? { failure: this.last, streak: this.streak } : null
  }

  private state(subject: string): SubjectState {
    let state = this.subjects.get(subject)
    if (!state) this.subjects.set(subject, (state = { sent: 0, answered: 0, failed: 0 }))
    return state
  }
}
